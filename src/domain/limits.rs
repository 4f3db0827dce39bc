//! Input bounds: the most one request may send, in one place. Each is checked where the input
//! is parsed (GraphQL inputs, saved views, REST parameters, uploads), before anything recurses
//! into it or sends it to the database, and each refusal names its limit. The README lists them.
//!
//! They are far beyond what a screen sends, and small enough that the SQL of any accepted input
//! stays inside both backends' limits: at most 32,766 bound parameters on SQLite and 65,535 on
//! PostgreSQL per statement, and an expression tree at most 1,000 deep on SQLite.

/// Levels of `and` / `or` / `not` in a `PartnerFilter`: the filter itself is level 1.
pub const MAX_FILTER_DEPTH: usize = 8;

/// Filters in one `and` or `or` list.
pub const MAX_FILTER_BRANCHES: usize = 100;

/// Filter objects and custom field conditions in one `PartnerFilter`, nested ones included.
pub const MAX_FILTER_NODES: usize = 500;

/// Values in one list of a filter (`groupIds`, `countries`, a custom field's `anyOf`, ...).
pub const MAX_FILTER_LIST_VALUES: usize = 1_000;

/// SQL parameters one filter may compile to (its values, plus a few per condition): with
/// 10,000 excluded ids beside it a statement stays far inside either backend's limit.
pub const MAX_FILTER_BOUND_VALUES: usize = 5_000;

/// Characters of a filter's `search` term and of a custom field's `contains` text.
pub const MAX_FILTER_TEXT_CHARS: usize = 200;

/// Ids in one `nodes(ids:)` call.
pub const MAX_NODE_IDS: usize = 100;

/// Partner ids in one list of a mutation or REST body (a selection's `ids` or `exceptIds`,
/// `partnerIds`, `addPartnerIds`, `removePartnerIds`, `MediaPartners`, `MediaPartnersAdd`,
/// `MediaPartnersRemove`); larger selections use a filter.
pub const MAX_PARTNER_IDS: usize = 10_000;

/// Custom field ids in `Partner.customFields(ids:)`.
pub const MAX_CUSTOM_FIELD_IDS: usize = MAX_FILTER_LIST_VALUES;

/// Column keys of one saved view.
pub const MAX_VIEW_COLUMNS: usize = 500;

/// Members listed with each group of the REST group list (`GET .../MediaPartnerGroups`) at
/// most; the rest are paged on the group itself.
pub const MAX_MEMBERS_PER_LISTED_GROUP: u64 = 100;

/// Members one REST group list carries in all: a page of many groups lists fewer members of
/// each (`MAX_LISTED_MEMBERS / PageSize`, at least one).
pub const MAX_LISTED_MEMBERS: u64 = 20_000;

/// Bytes of an uploaded bulk-edit file, as sent.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Data rows of a bulk-edit file.
pub const MAX_FILE_ROWS: usize = 100_000;

/// Group ids one cell of a bulk-edit file (`Add To`, `Remove From`) may name: as many as one
/// `changePartnerGroups` may.
pub const MAX_FILE_CELL_GROUPS: usize = 100;

/// Group ids a whole bulk-edit file may name, every row's `Add To` and `Remove From` together.
/// An XLSX row can point at one long shared string again and again: without this, a small file
/// fans out into millions of ids.
pub const MAX_FILE_GROUP_IDS: usize = 1_000_000;

/// Bytes an XLSX upload may expand to (all its parts, decompressed).
pub const MAX_XLSX_EXPANDED_BYTES: u64 = 100 * 1024 * 1024;

/// Parts (ZIP entries) of an XLSX upload; a workbook of one sheet has about a dozen.
pub const MAX_XLSX_PARTS: usize = 1_000;

/// How many times its compressed size one part of an XLSX upload may expand to, once it is
/// larger than [`XLSX_RATIO_FROM_BYTES`]. Spreadsheet XML compresses 5 to 20 times.
pub const MAX_XLSX_RATIO: u64 = 100;

/// Parts smaller than this are not held to [`MAX_XLSX_RATIO`].
pub const XLSX_RATIO_FROM_BYTES: u64 = 1024 * 1024;

/// The longest comment of a contract action (copied into every history entry it writes).
pub const MAX_CONTRACT_COMMENT_CHARS: usize = 2_000;
