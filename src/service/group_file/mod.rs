//! Bulk edit of group membership from a file (the product's CSV / Excel format): parse the file,
//! preview what each row will change, and apply every row in one transaction.

mod lookup;
pub mod parse;
mod plan;
mod write;

pub use plan::{bulk_edit, FilePlan, RowPlan, APPLY_PERMISSION};
