//! Metric values as Python writes and reads them.

/// Formats a value the way Python's `str(float)` does (`1.0`, `1e-05`, `1e+20`, `nan`, `inf`),
/// so metric files written by mlt look like MLflow's own.
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // `{:e}` gives the shortest digits that round-trip, e.g. "1.2345e-5".
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        // Fixed notation, as Python's repr does for 1e-4 <= |v| < 1e16.
        let n = digits.len() as i32;
        let s = if exp >= 0 {
            if n > exp + 1 {
                format!(
                    "{}.{}",
                    &digits[..=exp as usize],
                    &digits[exp as usize + 1..]
                )
            } else {
                format!("{}{}.0", digits, "0".repeat((exp + 1 - n) as usize))
            }
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        };
        format!("{sign}{s}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{esign}{:02}", exp.abs())
    }
}

/// Parses a value as Python's `float()` does: `nan`, `inf`, `-Infinity`, `1e+20`, `3`.
pub fn parse_value(s: &str) -> Option<f64> {
    let t = s.trim();
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
