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
    if !push_short_fixed(out, v) {
        push_value_general(out, v);
    }
}

/// Powers of ten that an f64 holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The common case of [`push_value`] without the formatting machinery: a value from 1e-4 to
/// 1e15 whose shortest decimal is an integer `m` below 2^50 over `10^k` (`0.956034`, `12.5`,
/// `3.0`). False, writing nothing, for any other value.
///
/// Why it is exact: for `k` from 0 up, `m` is `v * 10^k` rounded, and `m / 10^k == v` (one
/// correctly rounded division of two exact numbers) holds exactly when the decimal
/// `m * 10^-k` reads back as `v`. Below 2^50 the decimals that read back as `v`, scaled by
/// `10^k`, lie in an interval narrower than 1/4, and the scaled product is off by at most 1/8,
/// so at each `k` the one candidate is found when there is one. The first `k` that has one
/// gives the fewest digits, and that candidate is the only one with so few: the digits
/// Python's `repr` and `{:e}` choose. Between 1e-4 and 1e15 both write it in fixed notation.
fn push_short_fixed(out: &mut String, v: f64) -> bool {
    let neg = v < 0.0;
    let a = v.abs();
    if !(1e-4..1e15).contains(&a) {
        return false;
    }
    for (k, &pow) in POW10.iter().enumerate() {
        let scaled = a * pow;
        if scaled >= (1u64 << 50) as f64 {
            return false;
        }
        // Rounded half away from zero, as `round` does (without its library call): below
        // 2^50 the integer part and the fraction are exact.
        let whole = scaled as u64;
        let m = whole + u64::from(scaled - whole as f64 >= 0.5);
        if m as f64 / pow != a {
            continue;
        }
        let mut buf = [0u8; 48];
        let mut i = buf.len();
        let mut rest = m;
        if k == 0 {
            buf[i - 2..].copy_from_slice(b".0");
            i -= 2;
        }
        for n in 0..k {
            i -= 1;
            buf[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if n + 1 == k {
                i -= 1;
                buf[i] = b'.';
            }
        }
        loop {
            i -= 1;
            buf[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if neg {
            i -= 1;
            buf[i] = b'-';
        }
        // Only ASCII was written.
        out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
        return true;
    }
    false
}

/// [`push_value`] for any value, through `{:e}`'s shortest digits.
fn push_value_general(out: &mut String, v: f64) {
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

    /// The short fixed-notation path writes what the general path writes, for every value it
    /// takes, and leaves the others to it.
    #[test]
    fn the_short_path_agrees_with_the_general_one() {
        let general = |v: f64| {
            let mut s = String::new();
            push_value_general(&mut s, v);
            s
        };
        let mut tricky = vec![
            0.1,
            0.2,
            0.3,
            1e-7,
            1e-5,
            1e-4,
            0.00012,
            9.9999e-5,
            1e21,
            1e15,
            1e15 - 0.5,
            999999999999999.9,
            1e14,
            123456789012345.6,
            -0.0,
            0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.0,
            3.0,
            42.0,
            -2.5,
            0.30000000000000004,
            1.0 / 3.0,
            2.0 / 3.0,
            0.956034,
            0.5,
            0.125,
            1125899906842623.0,
            1125899906842624.0,
            4503599627370497.0,
            9007199254740993.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            1.7e308,
            100.0,
            1e10,
            0.1 + 0.7,
            1234.5678,
            9.5,
            0.9999999999999999,
            1.0000000000000002,
        ];
        // Decimals of every length and scale, as a training loop prints them.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200_000 {
            let r = next();
            let digits = (r % 18) as usize;
            let mantissa = (next() % 10u64.pow(digits as u32 + 1)) as f64;
            let scale = (r >> 8) % 30;
            tricky.push(mantissa / 10f64.powi(scale as i32));
            tricky.push(-(mantissa * 10f64.powi((scale % 8) as i32)));
            tricky.push(f64::from_bits(next()));
            tricky.push((next() >> 11) as f64 / (1u64 << 53) as f64);
            let v = (next() >> 11) as f64 / (1u64 << 53) as f64;
            tricky.push(format!("{v:.6}").parse().unwrap());
            tricky.push(format!("{:.3}", v * 1e6).parse().unwrap());
        }
        let mut fast = 0;
        for v in tricky {
            let mut s = String::new();
            if push_short_fixed(&mut s, v) {
                fast += 1;
                assert_eq!(s, general(v), "{v:?} ({:#x})", v.to_bits());
            } else {
                assert!(s.is_empty());
            }
            assert_eq!(format_value(v), general(v));
        }
        assert!(fast > 500_000, "{fast}");
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
