//! Parsed values of the domain: enumerations, global ids, country codes.

mod enum_macro;

pub mod attribute;
pub mod country;
pub mod enums;
pub mod global_id;

pub use enums::*;
pub use global_id::GlobalId;
