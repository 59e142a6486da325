//! Metric values as Python writes and reads them.

/// Formats a value the way Python's `str(float)` does (`1.0`, `1e-05`, `1e+20`, `nan`, `inf`),
/// so metric files written by mlt look like MLflow's own.
pub fn format_value(v: f64) -> String {
    let mut s = String::with_capacity(24);
    push_value(&mut s, v);
    s
}

/// Appends [`format_value`]'s text to `out`, allocating nothing else: an export formats
/// hundreds of millions of values.
pub fn push_value(out: &mut String, v: f64) {
    use std::fmt::Write;
    if v.is_nan() {
        return out.push_str("nan");
    }
    if v.is_infinite() {
        return out.push_str(if v > 0.0 { "inf" } else { "-inf" });
    }
    if v == 0.0 {
        return out.push_str(if v.is_sign_negative() { "-0.0" } else { "0.0" });
    }
    // `{:e}` gives the shortest digits that round-trip, e.g. "1.2345e-5".
    let mut sci = StackStr::default();
    let _ = write!(sci, "{:e}", v.abs());
    let (mantissa, exp) = sci.as_str().split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits = StackStr::default();
    let _ = digits.write_str(mantissa.split('.').next().unwrap_or(""));
    let _ = digits.write_str(mantissa.split('.').nth(1).unwrap_or(""));
    let digits = digits.as_str();
    let n = digits.len() as i32;
    if v < 0.0 {
        out.push('-');
    }
    let zeros = |out: &mut String, k: i32| (0..k).for_each(|_| out.push('0'));
    if (-4..16).contains(&exp) {
        // Fixed notation, as Python's repr does for 1e-4 <= |v| < 1e16.
        if exp >= 0 {
            let e = exp as usize;
            if n > exp + 1 {
                out.push_str(&digits[..=e]);
                out.push('.');
                out.push_str(&digits[e + 1..]);
            } else {
                out.push_str(digits);
                zeros(out, exp + 1 - n);
                out.push_str(".0");
            }
        } else {
            out.push_str("0.");
            zeros(out, -exp - 1);
            out.push_str(digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if n > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
}

/// A short string on the stack (a float's digits never exceed it).
struct StackStr {
    buf: [u8; 40],
    len: usize,
}

impl Default for StackStr {
    fn default() -> Self {
        StackStr {
            buf: [0; 40],
            len: 0,
        }
    }
}

impl StackStr {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackStr {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Parses a value as Python's `float()` does: `nan`, `inf`, `-Infinity`, `1e+20`, `3`.
pub fn parse_value(s: &str) -> Option<f64> {
    let t = s.trim();
    // The common case, without allocating: plain decimal or scientific notation.
    if !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return t.parse().ok();
    }
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let neg = lower.starts_with('-');
    match body {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => {
            return Some(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        _ => {}
    }
    // Rust also accepts "infinity" spellings handled above; reject anything else exotic.
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE_".contains(&b))
    {
        return None;
    }
    t.replace('_', "").parse().ok()
}

/// A float as JSON, with NaN and the infinities as strings (protobuf's JSON mapping).
pub fn json_f64(v: f64) -> serde_json::Value {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "Infinity".into()
    } else if v == f64::NEG_INFINITY {
        "-Infinity".into()
    } else {
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python_repr() {
        let cases = [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (123.456, "123.456"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e-7, "1.5e-07"),
            (1e20, "1e+20"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (0.30000000000000004, "0.30000000000000004"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ];
        for (v, want) in cases {
            assert_eq!(format_value(v), want, "{v:?}");
        }
    }

    #[test]
    fn parses_python_forms() {
        assert!(parse_value("nan").unwrap().is_nan());
        assert!(parse_value("NaN").unwrap().is_nan());
        assert_eq!(parse_value("inf"), Some(f64::INFINITY));
        assert_eq!(parse_value("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_value("1e+20"), Some(1e20));
        assert_eq!(parse_value("1e-05"), Some(1e-5));
        assert_eq!(parse_value("3"), Some(3.0));
        assert_eq!(parse_value("abc"), None);
        assert_eq!(parse_value(""), None);
    }

    #[test]
    fn round_trips() {
        for v in [0.1, 1.0 / 3.0, 6.02e23, -1e-300, 42.0, 5e-324] {
            assert_eq!(parse_value(&format_value(v)), Some(v));
        }
    }
}
