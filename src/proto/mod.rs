//! MLflow's request and response messages as typed serde structs, one submodule per service
//! family, with the field names of MLflow's `service.proto` and `model_registry.proto`.
//!
//! The JSON rules, as MLflow's server and client apply them (`mlflow/utils/proto_json_utils.py`):
//! - int64 fields are written as JSON numbers, and read from numbers or strings (protobuf's
//!   JSON form, and the query string of a GET, carry them as strings): [`de::i64`];
//! - enums are written and read as their names (`"RUNNING"`, `"ACTIVE_ONLY"`);
//! - a field that is not set is left out of a response, never written as `null`; an empty
//!   repeated field is left out too (`skip_serializing_if = "Vec::is_empty"`);
//! - unknown fields in a request are ignored, as protobuf's parser ignores them.

pub mod artifacts;
pub mod logged;
pub mod registry;
pub mod tracking;

/// Deserializers for protobuf's lenient JSON: numbers or strings for int64, `true`/`"true"`
/// for bools, one value or a list for repeated fields (a GET's query string has one value
/// when the field has one element).
pub mod de {
    use serde::Deserialize;
    use serde::de::{Deserializer, Error};
    use serde_json::Value;

    fn to_i64<E: Error>(v: &Value) -> Result<i64, E> {
        match v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .ok_or_else(|| E::custom(format!("{n} is not a 64-bit integer"))),
            Value::String(s) => s
                .trim()
                .parse()
                .map_err(|_| E::custom(format!("{s:?} is not a 64-bit integer"))),
            other => Err(E::custom(format!("{other} is not a 64-bit integer"))),
        }
    }

    fn to_f64<E: Error>(v: &Value) -> Result<f64, E> {
        match v {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| E::custom(format!("{n} is not a number"))),
            Value::String(s) => match s.as_str() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                s => s
                    .trim()
                    .parse()
                    .map_err(|_| E::custom(format!("{s:?} is not a number"))),
            },
            other => Err(E::custom(format!("{other} is not a number"))),
        }
    }

    fn to_bool<E: Error>(v: &Value) -> Result<bool, E> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            other => Err(E::custom(format!("{other} is not a boolean"))),
        }
    }

    pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        to_i64(&Value::deserialize(d)?)
    }

    /// An optional int64 (`null` is not set).
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => to_i64(&v).map(Some),
        }
    }

    /// A double: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"` as protobuf writes them.
    pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        to_f64(&Value::deserialize(d)?)
    }

    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => to_f64(&v).map(Some),
        }
    }

    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => to_bool(&v).map(Some),
        }
    }

    fn list(v: Value) -> Vec<Value> {
        match v {
            Value::Null => Vec::new(),
            Value::Array(a) => a,
            one => vec![one],
        }
    }

    /// A repeated string field.
    pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        list(Value::deserialize(d)?)
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(D::Error::custom(format!("{other} is not a string"))),
            })
            .collect()
    }

    /// A repeated int64 field.
    pub fn i64s<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        list(Value::deserialize(d)?).iter().map(to_i64).collect()
    }

    /// A repeated message field that may come as one object.
    pub fn many<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        list(Value::deserialize(d)?)
            .into_iter()
            .map(|v| serde_json::from_value(v).map_err(D::Error::custom))
            .collect()
    }
}

/// Serializers for the response side.
pub mod ser {
    use serde::Serializer;

    /// A double as protobuf's JSON writes it: a number, or `"NaN"`, `"Infinity"`,
    /// `"-Infinity"`.
    pub fn f64<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_str("NaN")
        } else if v.is_infinite() {
            s.serialize_str(if *v > 0.0 { "Infinity" } else { "-Infinity" })
        } else {
            s.serialize_f64(*v)
        }
    }

    /// A version number as MLflow's registry messages carry it: a string (`"3"`); MLflow's
    /// server refuses a JSON number there.
    pub fn opt_i64_string<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => s.serialize_str(&n.to_string()),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Deserialize, Serialize)]
    struct P {
        #[serde(deserialize_with = "de::i64")]
        step: i64,
        #[serde(deserialize_with = "de::f64", serialize_with = "ser::f64")]
        value: f64,
        #[serde(default, deserialize_with = "de::opt_bool")]
        flag: Option<bool>,
    }

    #[test]
    fn int64_doubles_and_bools_are_read_leniently_and_written_as_protobuf_does() {
        let p: P =
            serde_json::from_str(r#"{"step": "7", "value": "NaN", "flag": "true"}"#).unwrap();
        assert_eq!((p.step, p.flag), (7, Some(true)));
        assert!(p.value.is_nan());
        assert_eq!(serde_json::to_value(&p).unwrap()["value"], "NaN");
        let p: P = serde_json::from_str(r#"{"step": 3, "value": 1.5}"#).unwrap();
        assert_eq!(serde_json::to_value(&p).unwrap()["value"], 1.5);
        assert!(serde_json::from_str::<P>(r#"{"step": "x", "value": 1}"#).is_err());
        assert!(serde_json::from_str::<P>(r#"{"step": 1.5, "value": 1}"#).is_err());
    }
}

/// The empty message (`{}`), the answer of most writes.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Empty {}
