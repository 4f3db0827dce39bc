//! Parsed values of the domain: enumerations, global ids, country codes, and the bounds and
//! character rules of input.

mod enum_macro;

pub mod attribute;
pub mod contract_enums;
pub mod country;
pub mod enums;
pub mod global_id;
pub mod limits;
pub mod permissions;
pub mod setting_enums;
pub mod text;

pub use contract_enums::*;
pub use enums::*;
pub use global_id::GlobalId;
pub use permissions::PermissionSet;
pub use setting_enums::*;
