//! Random GraphQL requests generated from `schema.graphql`: operations over random root fields
//! with random (often hostile) arguments, literal or as variables, random sub-selections, and
//! now and then a document whose text is damaged.

use async_graphql::parser::types::{BaseType, Type};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};

use crate::sdl::{named, Def, FieldDef, Schema};

/// Strings a hostile client sends.
const STRINGS: &[&str] = &[
    "",
    " ",
    "1",
    "0",
    "-1",
    "abc",
    "US",
    "US-CA",
    "zz",
    "%",
    "_",
    "%_%",
    "\\",
    "\"",
    "'",
    "' OR 1=1 --",
    "\u{0}",
    "a\u{0}b",
    "\u{7f}",
    "\u{feff}",
    "\u{202e}rtl",
    "ünïcødé",
    "日本語",
    "😀",
    "\n\t",
    "2026-13-45",
    "2026-01-01",
    "2026-01-01T00:00:00Z",
    "1e309",
    "NaN",
    "-0",
    "9223372036854775808",
    "UGFydG5lcjox",
    "Q2FtcGFpZ246MQ==",
    "Partner:1:1",
    "{}",
    "[]",
    "null",
    "true",
    "<script>",
    "https://example.com",
    "javascript:alert(1)",
    "mailto:a@b.co",
    "a@b.co",
];

/// Random requests over the schema.
pub trait Requests {
    /// A random request body: `{"query": …, "variables": …}`, sometimes damaged.
    fn request(&self, rng: &mut ChaCha8Rng, ids: &Ids) -> Value;
}

impl Requests for Schema {
    /// A random request body: `{"query": …, "variables": …}`, sometimes damaged. Most values
    /// are valid (ids of the right kind, real enum values), so that requests get past the first
    /// check; a few are hostile.
    fn request(&self, rng: &mut ChaCha8Rng, ids: &Ids) -> Value {
        let mutation = rng.random_bool(0.3);
        let root = if mutation { "Mutation" } else { "Query" };
        let mut gen = Gen {
            schema: self,
            rng,
            ids,
            vars: Vec::new(),
            var_values: Map::new(),
        };
        let selection = gen.selection(root, 0, 3);
        let vars = if gen.vars.is_empty() {
            String::new()
        } else {
            format!("({})", gen.vars.join(", "))
        };
        let mut query = format!(
            "{} Fuzz{vars} {selection}",
            if mutation { "mutation" } else { "query" }
        );
        let variables = Value::Object(std::mem::take(&mut gen.var_values));
        if rng.random_bool(0.1) {
            query = damage(rng, &query);
        }
        json!({ "query": query, "variables": variables })
    }
}

/// Ids to aim at, by kind: the caller's own, and another account's.
#[derive(Default)]
pub struct Ids {
    pub own: Vec<String>,
    pub campaigns: Vec<String>,
    pub groups: Vec<String>,
    pub partners: Vec<String>,
    pub others: Vec<String>,
}

impl Ids {
    /// Every id, of any kind and account.
    pub fn all(&self) -> Vec<String> {
        [&self.own, &self.others]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

struct Gen<'a> {
    schema: &'a Schema,
    rng: &'a mut ChaCha8Rng,
    ids: &'a Ids,
    vars: Vec<String>,
    var_values: Map<String, Value>,
}

impl Gen<'_> {
    fn selection(&mut self, ty: &str, depth: usize, width: usize) -> String {
        let fields = match self.schema.types.get(ty) {
            Some(Def::Object(fields)) => fields,
            Some(Def::Abstract(possible)) => {
                let possible = possible.clone();
                let mut out = String::from("{ __typename");
                for object in possible.choose_multiple(self.rng, 2) {
                    let inner = self.selection(object, depth, width);
                    out.push_str(&format!(" ... on {object} {inner}"));
                }
                return out + " }";
            }
            _ => return String::new(),
        };
        let count = self.rng.random_range(1..=width.max(1));
        let chosen: Vec<&FieldDef> = fields.choose_multiple(self.rng, count).collect();
        let mut out = String::from("{");
        for (i, field) in chosen.into_iter().enumerate() {
            if self.rng.random_bool(0.1) {
                out.push_str(&format!(" f{i}:"));
            }
            out.push(' ');
            out.push_str(&field.name);
            let mut args = Vec::new();
            for (name, t) in &field.args {
                if !t.nullable || self.rng.random_bool(0.4) {
                    args.push(format!("{name}: {}", self.argument(name, t)));
                }
            }
            if !args.is_empty() {
                out.push_str(&format!("({})", args.join(", ")));
            }
            let child = named(&field.ty);
            let composite = matches!(
                self.schema.types.get(child),
                Some(Def::Object(_) | Def::Abstract(_))
            );
            if composite {
                if depth >= 4 {
                    out.push_str(" { __typename }");
                } else {
                    out.push(' ');
                    out.push_str(&self.selection(child, depth + 1, 3));
                }
            }
        }
        out + " }"
    }

    /// An argument: a literal, or a variable of the argument's type holding the value.
    fn argument(&mut self, name: &str, ty: &Type) -> String {
        let value = self.value(name, ty, 0);
        if self.rng.random_bool(0.5) {
            let name = format!("v{}", self.vars.len());
            // Now and then the declared type is wrong, or the variable is left out.
            let declared = if self.rng.random_bool(0.05) {
                "String".to_owned()
            } else {
                ty.to_string()
            };
            self.vars.push(format!("${name}: {declared}"));
            if !self.rng.random_bool(0.05) {
                self.var_values.insert(name.clone(), value);
            }
            format!("${name}")
        } else {
            self.literal(&value, ty)
        }
    }

    /// A value as a GraphQL literal of type `ty` (enum values bare, everything else as JSON).
    fn literal(&self, value: &Value, ty: &Type) -> String {
        match (value, &ty.base) {
            (Value::Array(items), BaseType::List(inner)) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| self.literal(v, inner))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (_, BaseType::List(inner)) => self.literal(value, inner),
            (Value::String(s), BaseType::Named(name)) => match self.schema.types.get(name.as_str())
            {
                Some(Def::Enum(values)) if values.contains(s) => s.clone(),
                _ => Value::String(s.clone()).to_string(),
            },
            (Value::Object(map), BaseType::Named(name)) => {
                let fields = match self.schema.types.get(name.as_str()) {
                    Some(Def::Input(fields)) => fields.as_slice(),
                    _ => &[],
                };
                let entries: Vec<String> = map
                    .iter()
                    .map(|(k, v)| match fields.iter().find(|(f, _)| f == k) {
                        Some((_, t)) => format!("{k}: {}", self.literal(v, t)),
                        None => format!("{k}: {}", literal(v)),
                    })
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }
            _ => literal(value),
        }
    }

    fn value(&mut self, field: &str, ty: &Type, depth: usize) -> Value {
        if ty.nullable && self.rng.random_bool(0.1) {
            return Value::Null;
        }
        if self.rng.random_bool(0.02) {
            return self.junk();
        }
        match &ty.base {
            BaseType::List(inner) => {
                let n = if self.rng.random_bool(0.02) {
                    2_000
                } else {
                    self.rng.random_range(0..4)
                };
                Value::Array(
                    (0..n)
                        .map(|_| self.value(field, inner, depth + 1))
                        .collect(),
                )
            }
            BaseType::Named(name) => self.named_value(field, name.as_str(), depth),
        }
    }

    /// An id for an argument or field named `field`: mostly one of the right kind.
    fn id(&mut self, field: &str) -> Value {
        let field = field.to_ascii_lowercase();
        let pool = if field.contains("campaign") {
            &self.ids.campaigns
        } else if field.contains("group") {
            &self.ids.groups
        } else if field.contains("partner") || field == "exceptids" {
            &self.ids.partners
        } else {
            &self.ids.own
        };
        match self.rng.random_range(0..20) {
            0 => self.string(),
            1 => json!(self
                .ids
                .others
                .choose(self.rng)
                .cloned()
                .unwrap_or_default()),
            _ => json!(pool.choose(self.rng).cloned().unwrap_or_else(|| "1".into())),
        }
    }

    fn named_value(&mut self, field: &str, name: &str, depth: usize) -> Value {
        let hostile = self.rng.random_bool(0.08);
        match (name, self.schema.types.get(name)) {
            ("String", _) if !hostile => {
                json!(
                    ["US", "coupon", "a", "VIP", "https://example.com", "a@b.co"]
                        .choose(self.rng)
                        .copied()
                        .unwrap_or_default()
                )
            }
            ("Int", _) if !hostile => json!(self.rng.random_range(0..60)),
            ("Int", _) => json!(*[
                0i64,
                1,
                -1,
                2,
                50,
                500,
                501,
                10_000,
                i32::MAX as i64,
                i32::MIN as i64,
                1 << 40
            ]
            .choose(self.rng)
            .unwrap_or(&0)),
            ("Float", _) => json!(*[0.0, -1.5, 1e300, 3.25].choose(self.rng).unwrap_or(&0.0)),
            ("Boolean", _) => json!(self.rng.random_bool(0.5)),
            ("ID", _) => self.id(field),
            (_, Some(Def::Enum(values))) => {
                if self.rng.random_bool(0.97) {
                    json!(values.choose(self.rng).cloned().unwrap_or_default())
                } else {
                    json!("NOT_A_VALUE")
                }
            }
            (_, Some(Def::Input(fields))) => {
                let mut map = Map::new();
                for (field, ty) in fields {
                    let keep =
                        !ty.nullable || self.rng.random_bool(if depth > 1 { 0.05 } else { 0.15 });
                    if keep && depth < 6 {
                        let v = self.value(field, ty, depth + 1);
                        map.insert(field.clone(), v);
                    }
                }
                if self.rng.random_bool(0.02) {
                    map.insert("noSuchField".into(), json!(1));
                }
                Value::Object(map)
            }
            _ => self.string(),
        }
    }

    fn string(&mut self) -> Value {
        match self.rng.random_range(0..10) {
            0 => json!("x".repeat(self.rng.random_range(200..5_000))),
            1 => json!(format!("{}", self.rng.random_range(-5i64..100_000))),
            _ => json!(STRINGS.choose(self.rng).copied().unwrap_or_default()),
        }
    }

    fn junk(&mut self) -> Value {
        match self.rng.random_range(0..5) {
            0 => json!({ "a": [1, {"b": null}] }),
            1 => json!([[[]]]),
            2 => json!(1.5),
            3 => json!(true),
            _ => self.string(),
        }
    }
}

/// A JSON value as a GraphQL literal, without type information.
fn literal(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The document's text damaged: cut short, a slice repeated, or brackets thrown in.
fn damage(rng: &mut ChaCha8Rng, query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let at = rng.random_range(0..chars.len().max(1));
    match rng.random_range(0..4) {
        0 => chars[..at].iter().collect(),
        1 => {
            let end = (at + rng.random_range(1..40)).min(chars.len());
            let slice: String = chars[at..end].iter().collect();
            let mut out: String = chars[..end].iter().collect();
            out.push_str(&slice.repeat(rng.random_range(2..50)));
            out.extend(&chars[end..]);
            out
        }
        2 => {
            let mut out: String = chars[..at].iter().collect();
            out.push_str(&"{[(".repeat(rng.random_range(1..200)));
            out.extend(&chars[at..]);
            out
        }
        _ => chars
            .iter()
            .map(|&c| if rng.random_bool(0.02) { '\u{0}' } else { c })
            .collect(),
    }
}
