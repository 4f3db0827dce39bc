//! The shape of a request against the schema: the schema's types, CollectFields over an
//! operation, and completing a response as the GraphQL specification says (query order, null
//! propagation). The cost model and the response writer build on it.

pub mod collect;
pub mod complete;
pub mod literals;
pub mod omitted;
pub mod types;
pub mod variables;

pub use collect::Operation;
pub use types::TypeMap;
