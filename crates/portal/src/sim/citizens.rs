//! The population-database lookup (tra cứu CSDL quốc gia về dân cư, spec §6): a
//! JSON request `{HoVaTen, SoDinhDanh, Nam, MaTichHop, MaDVC, MaCanBo, MaYeuCau}`
//! answered with `{message: "<XML>"}` holding
//! `Envelope/Body/CongdanCollection/CongDan`, from fixtures (fictional people in
//! `data/citizens.json`). A match needs the ID number, the name (compared without
//! accents or case, as the request sends it upper case without accents) and the
//! birth year.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Fixtures shipped with the crate.
const SHIPPED: &str = include_str!("../../data/citizens.json");

/// An address (mã tỉnh, huyện, xã and the details).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    /// Mã tỉnh/thành.
    #[serde(rename = "MaTinhThanh")]
    pub province: String,
    /// Mã quận/huyện (empty since districts were abolished).
    #[serde(rename = "MaQuanHuyen")]
    pub district: String,
    /// Mã phường/xã.
    #[serde(rename = "MaPhuongXa")]
    pub commune: String,
    /// Chi tiết.
    #[serde(rename = "ChiTiet")]
    pub detail: String,
}

/// A relative (cha, mẹ, vợ/chồng, chủ hộ).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Relative {
    /// Họ và tên.
    #[serde(rename = "HoVaTen")]
    pub name: String,
    /// Số định danh.
    #[serde(rename = "SoDinhDanh")]
    pub id_number: String,
}

/// One person of the population database (công dân).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Citizen {
    /// Số định danh cá nhân (12 digits).
    #[serde(rename = "SoDinhDanh")]
    pub id_number: String,
    /// Họ.
    #[serde(rename = "Ho")]
    pub family_name: String,
    /// Chữ đệm.
    #[serde(rename = "ChuDem")]
    pub middle_name: String,
    /// Tên.
    #[serde(rename = "Ten")]
    pub given_name: String,
    /// Giới tính: 1 male, 2 female.
    #[serde(rename = "GioiTinh")]
    pub sex: String,
    /// Ngày sinh, `yyyyMMdd`.
    #[serde(rename = "NgayThangNamSinh")]
    pub birth_date: String,
    /// Số sổ hộ khẩu.
    #[serde(rename = "SoSoHoKhau")]
    pub household_book: String,
    /// Thường trú.
    #[serde(rename = "ThuongTru")]
    pub permanent: Address,
    /// Quê quán.
    #[serde(rename = "QueQuan")]
    pub home_town: Address,
    /// Nơi ở hiện tại.
    #[serde(rename = "NoiOHienTai")]
    pub current: Address,
    /// Nơi đăng ký khai sinh.
    #[serde(rename = "NoiDangKyKhaiSinh")]
    pub birth_registration: Address,
    /// Cha.
    #[serde(rename = "Cha")]
    pub father: Option<Relative>,
    /// Mẹ.
    #[serde(rename = "Me")]
    pub mother: Option<Relative>,
    /// Vợ/chồng.
    #[serde(rename = "VoChong")]
    pub spouse: Option<Relative>,
    /// Chủ hộ.
    #[serde(rename = "ChuHo")]
    pub head_of_household: Option<Relative>,
}

impl Citizen {
    /// Full name.
    pub fn full_name(&self) -> String {
        [&self.family_name, &self.middle_name, &self.given_name]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn birth_year(&self) -> &str {
        self.birth_date.get(..4).unwrap_or_default()
    }
}

/// The fixtures shipped in `data/citizens.json` (none if unreadable, with a warning).
pub fn shipped() -> Vec<Citizen> {
    serde_json::from_str(SHIPPED).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "population fixtures unreadable");
        Vec::new()
    })
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn element(name: &str, value: &str) -> String {
    format!("<{name}>{}</{name}>", escape(value))
}

fn address(name: &str, a: &Address) -> String {
    format!(
        "<{name}>{}{}{}{}</{name}>",
        element("MaTinhThanh", &a.province),
        element("MaQuanHuyen", &a.district),
        element("MaPhuongXa", &a.commune),
        element("ChiTiet", &a.detail)
    )
}

fn relative(name: &str, r: Option<&Relative>) -> String {
    r.map_or_else(String::new, |r| {
        format!(
            "<{name}>{}{}</{name}>",
            element("HoVaTen", &r.name),
            element("SoDinhDanh", &r.id_number)
        )
    })
}

/// The `CongDan` element of one person.
fn citizen_xml(c: &Citizen) -> String {
    format!(
        "<CongDan>{}<HoVaTen>{}{}{}</HoVaTen>{}<NgayThangNamSinh>{}{}</NgayThangNamSinh>{}{}{}{}{}{}{}{}{}</CongDan>",
        element("SoDinhDanh", &c.id_number),
        element("Ho", &c.family_name),
        element("ChuDem", &c.middle_name),
        element("Ten", &c.given_name),
        element("GioiTinh", &c.sex),
        element("Nam", c.birth_year()),
        element("NgayThangNam", &c.birth_date),
        element("SoSoHoKhau", &c.household_book),
        address("ThuongTru", &c.permanent),
        address("QueQuan", &c.home_town),
        address("NoiOHienTai", &c.current),
        address("NoiDangKyKhaiSinh", &c.birth_registration),
        relative("Cha", c.father.as_ref()),
        relative("Me", c.mother.as_ref()),
        relative("VoChong", c.spouse.as_ref()),
        relative("ChuHo", c.head_of_household.as_ref()),
    )
}

/// The XML answer for the people found (none: an empty collection).
pub fn envelope(found: &[&Citizen]) -> String {
    let body: String = found.iter().map(|c| citizen_xml(c)).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Envelope><Body><CongdanCollection>{body}</CongdanCollection></Body></Envelope>"
    )
}

fn field(body: &Value, key: &str) -> String {
    match body.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Answers one lookup: the XML, or why the request is refused.
pub(crate) fn lookup(citizens: &[Citizen], raw: &[u8]) -> Result<String, String> {
    let body: Value =
        serde_json::from_slice(raw).map_err(|_| "Yêu cầu không phải JSON hợp lệ".to_owned())?;
    let id = field(&body, "SoDinhDanh");
    let name = field(&body, "HoVaTen");
    let year = field(&body, "Nam");
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err("SoDinhDanh phải gồm 12 chữ số".into());
    }
    if name.is_empty() {
        return Err("Thiếu HoVaTen".into());
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Nam (năm sinh) phải gồm 4 chữ số".into());
    }
    let key = motcua_domain::text::fold(&name);
    let found: Vec<&Citizen> = citizens
        .iter()
        .filter(|c| {
            c.id_number == id
                && c.birth_year() == year
                && motcua_domain::text::fold(&c.full_name()) == key
        })
        .collect();
    Ok(envelope(&found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_load_and_match_by_id_name_and_year() {
        let people = shipped();
        assert!(people.len() >= 3);
        let ask = |id: &str, name: &str, year: &str| {
            lookup(
                &people,
                serde_json::json!({"SoDinhDanh": id, "HoVaTen": name, "Nam": year, "MaYeuCau": "1"})
                    .to_string()
                    .as_bytes(),
            )
        };
        let xml = ask("079090000001", "NGUYEN VAN AN", "1990").unwrap();
        assert!(xml.contains("<SoDinhDanh>079090000001</SoDinhDanh>"));
        assert!(xml.contains("<Ho>Nguyễn</Ho>"));
        assert!(xml.contains("<Nam>1990</Nam>"));
        assert!(xml.contains("<Cha><HoVaTen>Nguyễn Văn Bình</HoVaTen>"));
        assert!(!xml.contains("<Me></Me>"));
        // Wrong year or name: nothing found, an empty collection.
        let none = ask("079090000001", "NGUYEN VAN AN", "1991").unwrap();
        assert!(none.contains("<CongdanCollection></CongdanCollection>"));
        assert!(
            ask("079090000001", "NGUYEN VAN BINH", "1990")
                .unwrap()
                .contains("<CongdanCollection></CongdanCollection>")
        );
        assert!(ask("07909000000", "X", "1990").is_err());
        assert!(ask("079090000001", "", "1990").is_err());
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(element("A", "x<&>\"'"), "<A>x&lt;&amp;&gt;&quot;&apos;</A>");
    }
}
