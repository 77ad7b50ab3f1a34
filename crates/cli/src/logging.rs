//! Logs go to standard error with personal numbers masked: whatever a library puts
//! in a message (a constraint violation quoting a key, an address with a query), an
//! identity or phone number never reaches the log in full.

use std::io::Write;

use motcua_domain::mask::redact;

/// Wraps a writer and masks each record written through it. The formatter writes
/// a record in one call, so a number is never split between two writes.
#[derive(Debug)]
pub struct Redacting<W>(pub W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(redact(text).as_bytes())?,
            // Not text: nothing of ours; pass it through.
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Sets up logging: `text` or `json`, filtered by `RUST_LOG` (default `info,sqlx=warn`).
pub fn init(format: Option<&str>) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Redacting(std::io::stderr()));
    let _ = if format == Some("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_masked_on_their_way_out() {
        let mut out = Redacting(Vec::new());
        out.write_all(b"store error: duplicate key (id_number)=(001099012345), phone 0912345678\n")
            .unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            "store error: duplicate key (id_number)=(001******345), phone 091****678\n"
        );
    }
}
