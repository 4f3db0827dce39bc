//! The schema's types as response shaping, variable checks and the cost model need them: per
//! object and interface its fields' types, per union and interface the object types it can be,
//! input objects' fields and enums' values. Read once from the schema's own SDL, plus the
//! introspection types, which an exported SDL leaves out.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    FieldDefinition, InputValueDefinition, Type, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::Positioned;

/// The introspection types of the GraphQL specification (plus `specifiedByURL` and `isOneOf`).
const INTROSPECTION_SDL: &str = r#"
type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type
  subscriptionType: __Type directives: [__Directive!]! }
type __Type { kind: __TypeKind! name: String description: String specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!]
  possibleTypes: [__Type!] enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!] ofType: __Type isOneOf: Boolean }
type __Field { name: String! description: String args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type! isDeprecated: Boolean! deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String
  isDeprecated: Boolean! deprecationReason: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
type __Directive { name: String! description: String locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]! isRepeatable: Boolean! }
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
enum __DirectiveLocation { QUERY }
"#;

/// What kind of type a named type is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An object type.
    Object,
    /// An interface or union: the value's object type is known only at run time.
    Abstract,
    /// A scalar.
    Scalar,
    /// An enum.
    Enum,
    /// An input object.
    Input,
}

/// One named type.
#[derive(Clone, Debug)]
pub struct TypeInfo {
    /// Its kind.
    pub kind: Kind,
    /// Output fields (objects and interfaces) or input fields (input objects) by name.
    pub fields: HashMap<String, Type>,
    /// Input fields without a default whose type is non-null (input objects).
    pub required: Vec<String>,
    /// Enum values (enums).
    pub enum_values: HashSet<String>,
    /// The object types a value of this type can be (itself for an object).
    pub possible: HashSet<String>,
    /// The arguments of each output field (objects and interfaces), by field and name.
    pub arguments: HashMap<String, HashMap<String, Type>>,
}

impl TypeInfo {
    /// A scalar: no fields, values or possible types.
    fn scalar() -> TypeInfo {
        TypeInfo {
            kind: Kind::Scalar,
            fields: HashMap::new(),
            required: Vec::new(),
            enum_values: HashSet::new(),
            possible: HashSet::new(),
            arguments: HashMap::new(),
        }
    }
}

/// The scalars every schema has without declaring them.
const BUILT_IN_SCALARS: [&str; 5] = ["Int", "Float", "String", "Boolean", "ID"];

/// The named types of a schema and its root operation types.
#[derive(Clone, Debug, Default)]
pub struct TypeMap {
    types: HashMap<String, TypeInfo>,
    query: String,
    mutation: String,
}

impl TypeMap {
    /// Reads the types of an SDL document (the schema's export) and the introspection types.
    pub fn from_sdl(sdl: &str) -> Result<TypeMap, String> {
        let mut map = TypeMap {
            query: "Query".to_owned(),
            mutation: "Mutation".to_owned(),
            ..TypeMap::default()
        };
        let mut implements: Vec<(String, String)> = Vec::new();
        for text in [sdl, INTROSPECTION_SDL] {
            let doc = parse_schema(text).map_err(|e| format!("schema SDL does not parse: {e}"))?;
            for definition in doc.definitions {
                match definition {
                    TypeSystemDefinition::Schema(schema) => {
                        if let Some(q) = &schema.node.query {
                            map.query = q.node.to_string();
                        }
                        if let Some(m) = &schema.node.mutation {
                            map.mutation = m.node.to_string();
                        }
                    }
                    TypeSystemDefinition::Type(ty) => {
                        if let TypeKind::Object(object) = &ty.node.kind {
                            for interface in &object.implements {
                                implements.push((
                                    interface.node.to_string(),
                                    ty.node.name.node.to_string(),
                                ));
                            }
                        }
                        map.add(&ty.node);
                    }
                    TypeSystemDefinition::Directive(_) => {}
                }
            }
        }
        // The built-in scalars, which an exported SDL leaves out: without them a variable of
        // type `Int` went unchecked, and 3,000,000,000 failed its field only after the
        // operation's earlier fields had run (and written).
        for name in BUILT_IN_SCALARS {
            map.types
                .entry(name.to_owned())
                .or_insert_with(TypeInfo::scalar);
        }
        for (interface, object) in implements {
            if let Some(info) = map.types.get_mut(&interface) {
                info.possible.insert(object);
            }
        }
        Ok(map)
    }

    fn add(&mut self, ty: &TypeDefinition) {
        let name = ty.name.node.to_string();
        let mut info = TypeInfo::scalar();
        match &ty.kind {
            TypeKind::Object(object) => {
                info.kind = Kind::Object;
                info.fields = output_fields(&object.fields);
                info.arguments = arguments(&object.fields);
                info.possible.insert(name.clone());
            }
            TypeKind::Interface(interface) => {
                info.kind = Kind::Abstract;
                info.fields = output_fields(&interface.fields);
                info.arguments = arguments(&interface.fields);
            }
            TypeKind::Union(union) => {
                info.kind = Kind::Abstract;
                info.possible = union.members.iter().map(|m| m.node.to_string()).collect();
            }
            TypeKind::Enum(values) => {
                info.kind = Kind::Enum;
                info.enum_values = values
                    .values
                    .iter()
                    .map(|v| v.node.value.node.to_string())
                    .collect();
            }
            TypeKind::InputObject(input) => {
                info.kind = Kind::Input;
                info.fields = input_fields(&input.fields);
                info.required = input
                    .fields
                    .iter()
                    .filter(|f| !f.node.ty.node.nullable && f.node.default_value.is_none())
                    .map(|f| f.node.name.node.to_string())
                    .collect();
            }
            TypeKind::Scalar => {}
        }
        self.types.insert(name, info);
    }

    /// A named type.
    pub fn get(&self, name: &str) -> Option<&TypeInfo> {
        self.types.get(name)
    }

    /// The type of field `field` of type `ty` (objects and interfaces; input objects' fields too).
    pub fn field(&self, ty: &str, field: &str) -> Option<&Type> {
        self.types.get(ty)?.fields.get(field)
    }

    /// The type of argument `argument` of field `field` of type `ty`.
    pub fn argument(&self, ty: &str, field: &str, argument: &str) -> Option<&Type> {
        self.types.get(ty)?.arguments.get(field)?.get(argument)
    }

    /// Whether a fragment on `condition` applies to a value of object type `object`.
    pub fn applies(&self, condition: &str, object: &str) -> bool {
        condition == object
            || self
                .types
                .get(condition)
                .is_some_and(|info| info.possible.contains(object))
    }

    /// The kind of a named type (`None` for a name the schema does not have).
    pub fn kind(&self, name: &str) -> Option<Kind> {
        self.types.get(name).map(|info| info.kind)
    }

    /// The query root's name.
    pub fn query_root(&self) -> &str {
        &self.query
    }

    /// The mutation root's name.
    pub fn mutation_root(&self) -> &str {
        &self.mutation
    }
}

fn output_fields(defs: &[Positioned<FieldDefinition>]) -> HashMap<String, Type> {
    defs.iter()
        .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
        .collect()
}

fn arguments(defs: &[Positioned<FieldDefinition>]) -> HashMap<String, HashMap<String, Type>> {
    defs.iter()
        .map(|f| {
            (
                f.node.name.node.to_string(),
                input_fields(&f.node.arguments),
            )
        })
        .collect()
}

fn input_fields(defs: &[Positioned<InputValueDefinition>]) -> HashMap<String, Type> {
    defs.iter()
        .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
        .collect()
}

/// The named type at the bottom of a (list / non-null) type.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        async_graphql::parser::types::BaseType::Named(name) => name.as_str(),
        async_graphql::parser::types::BaseType::List(inner) => named(inner),
    }
}
