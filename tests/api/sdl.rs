//! The committed schema (`schema.graphql`) as the generating tests need it: every named type's
//! kind, its fields with their arguments, input fields, enum values and possible types.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

/// A field or input field: its arguments (for fields) and type.
pub struct FieldDef {
    pub name: String,
    pub args: Vec<(String, Type)>,
    pub ty: Type,
}

/// A named type.
pub enum Def {
    Object(Vec<FieldDef>),
    Abstract(Vec<String>),
    Input(Vec<(String, Type)>),
    Enum(Vec<String>),
    Scalar,
}

/// The schema's types, read from the committed SDL.
pub struct Schema {
    pub types: HashMap<String, Def>,
}

impl Schema {
    /// Reads `schema.graphql`.
    pub fn load() -> Schema {
        let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
            .expect("schema.graphql");
        let doc = parse_schema(&sdl).expect("schema.graphql parses");
        let mut types = HashMap::new();
        let mut implementers: HashMap<String, Vec<String>> = HashMap::new();
        for def in doc.definitions {
            let TypeSystemDefinition::Type(ty) = def else {
                continue;
            };
            let name = ty.node.name.node.to_string();
            let fields = |defs: &[async_graphql::Positioned<
                async_graphql::parser::types::FieldDefinition,
            >]| {
                defs.iter()
                    .map(|f| FieldDef {
                        name: f.node.name.node.to_string(),
                        args: f
                            .node
                            .arguments
                            .iter()
                            .map(|a| (a.node.name.node.to_string(), a.node.ty.node.clone()))
                            .collect(),
                        ty: f.node.ty.node.clone(),
                    })
                    .collect()
            };
            let def = match &ty.node.kind {
                TypeKind::Object(o) => {
                    for i in &o.implements {
                        implementers
                            .entry(i.node.to_string())
                            .or_default()
                            .push(name.clone());
                    }
                    Def::Object(fields(&o.fields))
                }
                TypeKind::Interface(_) => Def::Abstract(Vec::new()),
                TypeKind::Union(u) => {
                    Def::Abstract(u.members.iter().map(|m| m.node.to_string()).collect())
                }
                TypeKind::InputObject(i) => Def::Input(
                    i.fields
                        .iter()
                        .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
                        .collect(),
                ),
                TypeKind::Enum(e) => Def::Enum(
                    e.values
                        .iter()
                        .map(|v| v.node.value.node.to_string())
                        .collect(),
                ),
                TypeKind::Scalar => Def::Scalar,
            };
            types.insert(name, def);
        }
        for (interface, objects) in implementers {
            if let Some(Def::Abstract(possible)) = types.get_mut(&interface) {
                *possible = objects;
            }
        }
        Schema { types }
    }
}

/// The named type at the bottom of a (list / non-null) type.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

impl Schema {
    /// The fields of an object type (none for other kinds).
    pub fn fields(&self, ty: &str) -> &[FieldDef] {
        match self.types.get(ty) {
            Some(Def::Object(fields)) => fields,
            _ => &[],
        }
    }

    /// Whether a named type is an object, interface or union.
    pub fn is_composite(&self, name: &str) -> bool {
        matches!(
            self.types.get(name),
            Some(Def::Object(_) | Def::Abstract(_))
        )
    }

    /// A selection of every field of `ty` that needs no argument, `depth` levels deep (scalars
    /// only at the last level; each object type an interface or union can be, by fragment).
    pub fn everything(&self, ty: &str, depth: usize) -> String {
        if let Some(Def::Abstract(possible)) = self.types.get(ty) {
            let fragments: String = possible
                .iter()
                .map(|object| format!(" ... on {object} {}", self.everything(object, depth)))
                .collect();
            return format!("{{ __typename{fragments} }}");
        }
        let mut out = String::from("{ __typename");
        for field in self.fields(ty) {
            if field.args.iter().any(|(_, t)| !t.nullable) {
                continue;
            }
            let child = named(&field.ty);
            if !self.is_composite(child) {
                out.push_str(&format!(" {}", field.name));
            } else if depth > 1 {
                out.push_str(&format!(
                    " {} {}",
                    field.name,
                    self.everything(child, depth - 1)
                ));
            }
        }
        out + " }"
    }
}
