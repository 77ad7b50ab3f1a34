#!/usr/bin/env python3
"""Writes crates/cli/demo/processes.yaml: an internal process for every procedure in
the demo catalog. Six are written by hand below (the ones the issue names and the
inter-level land registration); the rest follow the province's standard five-step
template with shares scaled to the legal limit. Re-run after changing the catalog;
the file is data an administrator then edits (`motcua process import`)."""
import pathlib
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOG = ROOT / "crates/cli/demo/catalog.yaml"
OUT = ROOT / "crates/cli/demo/processes.yaml"
DEPT = "H79.10"
DEPT_UNIT = "H79.10.DD"
VALID_FROM = "2025-07-01"


def step(id, name, kind, role, share, after=(), agency=None, unit=None, **extra):
    s = {"id": id, "name": name, "kind": kind}
    if agency:
        s["agency"] = agency
    if unit:
        s["unit"] = unit
    s["role"] = role
    s["share"] = share
    if after:
        s["after"] = list(after)
    s.update(extra)
    return s


def fmt(minutes):
    if minutes % 480 == 0:
        return f"{minutes // 480}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


HAND = {
    # Certification of copies: same day, in the one-stop itself.
    "2.000815": [
        step("tiep-nhan", "Tiếp nhận, kiểm tra bản chính và bản sao", "receive", "receiving_officer", "30m", agency="receiving"),
        step("doi-chieu", "Đối chiếu bản sao với bản chính", "process", "specialist", "1h", ["tiep-nhan"], unit=".TP"),
        step("ky-chung-thuc", "Người có thẩm quyền ký chứng thực", "submit_for_approval", "agency_leader", "1h", ["doi-chieu"]),
        step("dong-dau", "Ghi sổ chứng thực, đóng dấu", "approve", "specialist", "30m", ["ky-chung-thuc"], unit=".TP"),
        step("tra-ket-qua", "Trả bản sao đã chứng thực, thu phí", "return", "receiving_officer", "30m", ["dong-dau"], agency="receiving"),
    ],
    # Birth registration: one working day.
    "1.001193": [
        step("tiep-nhan", "Tiếp nhận, kiểm tra hồ sơ, khai thác dữ liệu dân cư", "receive", "receiving_officer", "1h", agency="receiving"),
        step("tham-dinh", "Công chức tư pháp - hộ tịch kiểm tra, ghi Sổ hộ tịch", "process", "specialist", "4h", ["tiep-nhan"], unit=".TP"),
        step("trinh-ky", "Chủ tịch UBND xã ký Giấy khai sinh", "submit_for_approval", "agency_leader", "90m", ["tham-dinh"]),
        step("cap-so", "Cấp số định danh, vào sổ, đóng dấu", "approve", "specialist", "60m", ["trinh-ky"], unit=".TP"),
        step("tra-ket-qua", "Trả Giấy khai sinh", "return", "receiving_officer", "30m", ["cap-so"], agency="receiving"),
    ],
    # Marriage registration: one working day, both parties present at the return.
    "1.000894": [
        step("tiep-nhan", "Tiếp nhận, kiểm tra hồ sơ và giấy tờ tùy thân", "receive", "receiving_officer", "1h", agency="receiving"),
        step("tham-dinh", "Xác minh điều kiện kết hôn, ghi Sổ hộ tịch", "process", "specialist", "4h", ["tiep-nhan"], unit=".TP"),
        step("trinh-ky", "Chủ tịch UBND xã ký Giấy chứng nhận kết hôn", "submit_for_approval", "agency_leader", "1h", ["tham-dinh"]),
        step("vao-so", "Vào sổ, đóng dấu", "approve", "specialist", "1h", ["trinh-ky"], unit=".TP"),
        step("trao-giay", "Trao Giấy chứng nhận kết hôn (hai bên có mặt)", "return", "receiving_officer", "1h", ["vao-so"], agency="receiving"),
    ],
    # Household business registration: three working days, tax code from the tax authority.
    "1.001612": [
        step("tiep-nhan", "Tiếp nhận hồ sơ, cấp giấy biên nhận", "receive", "receiving_officer", "4h", agency="receiving"),
        step("tham-dinh", "Kiểm tra tính hợp lệ, tên hộ kinh doanh", "process", "specialist", "12h", ["tiep-nhan"], unit=".TP", assign="least_loaded"),
        step("trinh-ky", "Trình lãnh đạo ký Giấy chứng nhận đăng ký hộ kinh doanh", "submit_for_approval", "agency_leader", "4h", ["tham-dinh"]),
        step("phat-hanh", "Vào sổ, đóng dấu, gửi thông tin sang cơ quan thuế", "approve", "specialist", "2h", ["trinh-ky"], unit=".TP"),
        step("tra-ket-qua", "Trả kết quả", "return", "receiving_officer", "2h", ["phat-hanh"], agency="receiving"),
    ],
    # Construction permit (20 days): after the site check, the departments of agriculture
    # and environment (land) and of construction (planning) are consulted in parallel;
    # the specialist drafts the permit when both have answered.
    "1.013225": [
        step("tiep-nhan", "Tiếp nhận, kiểm tra thành phần hồ sơ", "receive", "receiving_officer", "4h", agency="receiving"),
        step("tham-dinh", "Thẩm định hồ sơ, kiểm tra thực địa", "process", "specialist", "3d", ["tiep-nhan"], unit=".TP", assign="round_robin", outcomes=["assign", "process", "consult", "request-supplement", "refuse"]),
        step("y-kien-dat-dai", "Sở Nông nghiệp và Môi trường cho ý kiến về đất đai", "consult", "specialist", "5d", ["tham-dinh"], agency=DEPT, unit=DEPT_UNIT),
        step("y-kien-quy-hoach", "Sở Xây dựng cho ý kiến về quy hoạch, kiến trúc", "consult", "specialist", "5d", ["tham-dinh"], agency="H79.11", unit="H79.11.QH"),
        step("tong-hop", "Tổng hợp ý kiến, dự thảo giấy phép", "process", "specialist", "2d", ["y-kien-dat-dai", "y-kien-quy-hoach"], unit=".TP", outcomes=["submit-for-approval", "request-supplement", "refuse"]),
        step("trinh-ky", "Lãnh đạo UBND xã xem xét, ký giấy phép", "submit_for_approval", "agency_leader", "2d", ["tong-hop"]),
        step("phat-hanh", "Vào sổ, đóng dấu, phát hành giấy phép", "approve", "specialist", "4h", ["trinh-ky"], unit=".TP"),
        step("tra-ket-qua", "Trả giấy phép xây dựng", "return", "receiving_officer", "4h", ["phat-hanh"], agency="receiving"),
    ],
    # First land registration (17 working days), inter-level: the commune receives and
    # verifies, the department's land office registers and issues the certificate, the
    # commune returns it.
    "1.013978": [
        step("tiep-nhan", "Tiếp nhận hồ sơ tại Bộ phận Một cửa xã", "receive", "receiving_officer", "4h", agency="receiving"),
        step("xac-nhan", "UBND xã kiểm tra hiện trạng, niêm yết công khai, xác nhận", "process", "specialist", "5d", ["tiep-nhan"], agency="receiving", unit=".TP", outcomes=["assign", "process", "transfer", "request-supplement", "refuse"]),
        step("chuyen-so", "Sở tiếp nhận hồ sơ liên thông", "transfer", "receiving_officer", "4h", ["xac-nhan"], agency=DEPT),
        step("tham-dinh", "Phòng Đất đai thẩm định, cập nhật hồ sơ địa chính", "process", "specialist", "7d", ["chuyen-so"], agency=DEPT, unit=DEPT_UNIT),
        step("trinh-ky", "Lãnh đạo Sở ký Giấy chứng nhận", "submit_for_approval", "agency_leader", "2d", ["tham-dinh"], agency=DEPT),
        step("phat-hanh", "Vào sổ cấp Giấy chứng nhận, chuyển kết quả về xã", "approve", "specialist", "1d", ["trinh-ky"], agency=DEPT, unit=DEPT_UNIT),
        step("tra-ket-qua", "Bộ phận Một cửa xã trả Giấy chứng nhận", "return", "receiving_officer", "1d", ["phat-hanh"], agency="receiving"),
    ],
}


def template(proc, version):
    limit = version["time_limit"]
    unit = limit["unit"]
    if unit == "immediately":
        total = 240
    elif unit == "working_days":
        total = limit["value"] * 480
    else:  # calendar days: about five working days in seven
        total = max(1, limit["value"] * 5 // 7) * 480
    days = total // 480
    receive = 240 if days >= 3 else 60 if days >= 1 else 30
    lead = 480 if days >= 5 else 240 if days >= 2 else 60
    issue = 240 if days >= 5 else 120 if days >= 2 else 30
    ret = 240 if days >= 5 else 120 if days >= 2 else 30
    process = total - receive - lead - issue - ret
    handling = version.get("handling_agency")
    where = {"agency": handling} if handling else {}
    unit_code = DEPT_UNIT if handling == DEPT else ".TP"
    return [
        step("tiep-nhan", "Tiếp nhận, kiểm tra hồ sơ", "receive", "receiving_officer", fmt(receive), agency="receiving"),
        step("tham-dinh", "Thẩm định, xử lý hồ sơ", "process", "specialist", fmt(process), ["tiep-nhan"], unit=unit_code, **where),
        step("trinh-ky", "Lãnh đạo xem xét, ký duyệt", "submit_for_approval", "agency_leader", fmt(lead), ["tham-dinh"], **where),
        step("phat-hanh", "Vào sổ, đóng dấu, phát hành kết quả", "approve", "specialist", fmt(issue), ["trinh-ky"], unit=unit_code, **where),
        step("tra-ket-qua", "Trả kết quả", "return", "receiving_officer", fmt(ret), ["phat-hanh"], agency="receiving"),
    ]


def main():
    catalog = yaml.safe_load(CATALOG.read_text())
    out = []
    for proc in catalog["procedures"]:
        version = proc["versions"][-1]
        steps = HAND.get(proc["code"]) or template(proc, version)
        out.append({"procedure": proc["code"], "valid_from": VALID_FROM, "steps": steps})
    head = "# Internal processes for the demo catalog (written by tools/processes.py; edit freely).\n"
    body = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=120)
    OUT.write_text(head + body)
    print(f"{len(out)} processes → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
