//! `bulkEditPartnerGroups`: a CSV or XLSX file of membership changes (the product's format),
//! previewed row by row, or applied in one transaction when no row has an error.

use std::io::Read;

use async_graphql::{ComplexObject, Context, Object, SimpleObject, ID};

use crate::domain::UserErrorCode;
use crate::error::AppError;
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::types::group::PartnerGroup;
use crate::graphql::types::scalars::FileUpload;
use crate::graphql::types::user_error::UserError;
use crate::service::group_file::{self, parse::MAX_FILE_BYTES, FilePlan, RowPlan};

/// One row of a bulk-edit file as previewed (or applied).
#[derive(SimpleObject)]
pub struct BulkEditRow {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub row: i32,
    /// The `Partner Id` cell as written.
    pub partner_id_text: String,
    /// The partner's id, when the row names a partner of the campaign.
    pub partner_id: Option<i64>,
    /// The partner's name, when the row names a partner of the campaign.
    pub partner_name: Option<String>,
    /// Groups the partner will join (it is not in them yet).
    pub joins: Vec<PartnerGroup>,
    /// Groups the partner will leave (it is in them now).
    pub leaves: Vec<PartnerGroup>,
    /// What is wrong with the row (unknown partner, unknown group, malformed list, conflicting
    /// add and remove...); empty when the row can be applied.
    pub errors: Vec<String>,
}

impl From<RowPlan> for BulkEditRow {
    fn from(row: RowPlan) -> Self {
        let (partner_id, partner_name) = row
            .partner
            .map_or((None, None), |(id, name)| (Some(id), Some(name)));
        BulkEditRow {
            row: i32::try_from(row.row).unwrap_or(i32::MAX),
            partner_id_text: row.partner_id_text,
            partner_id,
            partner_name,
            joins: row.joins.into_iter().map(PartnerGroup).collect(),
            leaves: row.leaves.into_iter().map(PartnerGroup).collect(),
            errors: row.errors,
        }
    }
}

/// The result of `bulkEditPartnerGroups`.
#[derive(SimpleObject, Default)]
#[graphql(complex)]
pub struct BulkEditPartnerGroupsPayload {
    /// Whether the file's changes were written (only with `apply` and no row errors).
    pub applied: bool,
    /// Data rows in the file.
    pub row_count: i32,
    /// Rows with at least one error.
    pub error_count: i32,
    /// Partners whose memberships change.
    pub affected_count: i32,
    /// Memberships the file creates.
    pub added_count: i32,
    /// Memberships the file removes.
    pub removed_count: i32,
    #[graphql(skip)]
    pub all_rows: Vec<BulkEditRow>,
    /// Why the file could not be read at all (empty, no header, too large, not CSV or XLSX,
    /// unknown campaign); empty otherwise.
    pub user_errors: Vec<UserError>,
}

/// The rows `rows` returns when `first` is not given.
pub const ROWS_PAGE: u64 = 100;
/// The most rows one `rows` returns: a file has up to 100,000, each with its groups.
pub const MAX_ROWS_PAGE: u64 = 1_000;

/// The rows of a bulk-edit result.
#[ComplexObject]
impl BulkEditPartnerGroupsPayload {
    /// The file's rows in order, a page at a time (`rowCount` and `errorCount` give the
    /// totals); with `onlyErrors`, just the rows that have errors.
    async fn rows(
        &self,
        #[graphql(desc = "Only rows with errors.", default)] only_errors: bool,
        #[graphql(desc = "How many rows (1 to 1,000; 100 when not given).")] first: Option<i32>,
        #[graphql(desc = "Only rows after this row number (the last `row` of the previous page).")]
        after_row: Option<i32>,
    ) -> async_graphql::Result<Vec<&BulkEditRow>> {
        let first = rows_page(first.map(i64::from))?;
        Ok(self
            .all_rows
            .iter()
            .filter(|r| !only_errors || !r.errors.is_empty())
            .filter(|r| after_row.is_none_or(|after| r.row > after))
            .take(first)
            .collect())
    }
}

/// The rows one `rows` returns for its `first`.
fn rows_page(first: Option<i64>) -> Result<usize, AppError> {
    match first {
        None => Ok(ROWS_PAGE as usize),
        Some(n) if (1..=MAX_ROWS_PAGE as i64).contains(&n) => Ok(n as usize),
        Some(n) => Err(AppError::Validation(format!(
            "`first` must be between 1 and {MAX_ROWS_PAGE}, not {n}"
        ))),
    }
}

/// Checks what the request selects on the payload before the file is read or anything is
/// written, so that an applied file never answers with an error after writing: every `rows`'
/// `first`, and, with `apply`, no group's `members` under a row (a connection whose arguments
/// are checked only as it runs: read them with `partnerGroup` afterwards).
fn check_payload_selection(ctx: &Context<'_>, apply: bool) -> Result<(), AppError> {
    let bad = |err: async_graphql::ServerError| AppError::Validation(err.message);
    for rows in ctx.field().selection_set().filter(|f| f.name() == "rows") {
        if !included(&rows)? {
            continue;
        }
        for (name, value) in rows.arguments().map_err(bad)? {
            if name.as_str() == "first" {
                if let async_graphql::Value::Number(n) = value {
                    rows_page(n.as_i64())?;
                }
            }
        }
        if !apply {
            continue;
        }
        let groups = rows
            .selection_set()
            .filter(|f| matches!(f.name(), "joins" | "leaves"));
        for group in groups {
            if included(&group)?
                && group
                    .selection_set()
                    .any(|f| f.name() == "members" && included(&f).unwrap_or(true))
            {
                return Err(AppError::Validation(
                    "with `apply: true`, a row's groups cannot list their `members` (the file \
                     is written before they are read): read them with `partnerGroup` afterwards"
                        .to_owned(),
                ));
            }
        }
    }
    Ok(())
}

/// Whether `@skip` / `@include` keep a selected field.
fn included(field: &async_graphql::SelectionField<'_>) -> Result<bool, AppError> {
    let directives = field
        .directives()
        .map_err(|err| AppError::Validation(err.message))?;
    Ok(directives.iter().all(|d| {
        let flag = d
            .arguments
            .iter()
            .find(|(name, _)| name.node.as_str() == "if")
            .is_some_and(|(_, v)| v.node == async_graphql::Value::Boolean(true));
        match d.name.node.as_str() {
            "skip" => !flag,
            "include" => flag,
            _ => true,
        }
    }))
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl BulkEditPartnerGroupsPayload {
    fn refused(field: &str, code: UserErrorCode, message: String) -> Self {
        BulkEditPartnerGroupsPayload {
            user_errors: vec![UserError {
                field: vec![field.to_owned()],
                code,
                message,
            }],
            ..Default::default()
        }
    }

    fn from_plan(plan: FilePlan) -> Self {
        BulkEditPartnerGroupsPayload {
            applied: plan.applied,
            row_count: count(plan.rows.len()),
            error_count: count(plan.error_count),
            affected_count: count(plan.affected),
            added_count: count(plan.added),
            removed_count: count(plan.removed),
            all_rows: plan.rows.into_iter().map(BulkEditRow::from).collect(),
            user_errors: Vec::new(),
        }
    }
}

/// Reads an upload, refusing more than `MAX_FILE_BYTES` without reading it all.
fn read_upload(ctx: &Context<'_>, file: &FileUpload) -> Result<Vec<u8>, AppError> {
    let value = file
        .0
        .value(ctx)
        .map_err(|err| AppError::Validation(format!("the upload could not be read: {err}")))?;
    let mut bytes = Vec::new();
    value
        .into_read()
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| AppError::Validation(format!("the upload could not be read: {err}")))?;
    Ok(bytes)
}

/// Bulk edit of group membership from a file.
#[derive(Default)]
pub struct GroupFileMutation;

/// Bulk edit of group membership from a file.
#[Object]
impl GroupFileMutation {
    /// Reads a CSV or XLSX file with the columns `Partner Id`, `Add To`, `Remove From` and
    /// `Remove All` (headers matched ignoring case; group ids comma separated; `YES` removes
    /// the partner from every group) and previews, per row, the partner and the groups it will
    /// join and leave, or the row's errors. With `apply: true` and no row errors every row is
    /// applied in one transaction; with any row error nothing is written. Send the file with
    /// the GraphQL multipart request spec.
    async fn bulk_edit_partner_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] campaign_id: ID,
        #[graphql(desc = "The file (CSV or XLSX, at most 10 MB).")] file: FileUpload,
        #[graphql(
            desc = "Write the changes (when no row has an error); otherwise only preview.",
            default
        )]
        apply: bool,
    ) -> async_graphql::Result<BulkEditPartnerGroupsPayload> {
        // Applying is changing groups: refused before the input is read, as every bulk
        // action's is (a preview only reads).
        if apply {
            auth(ctx)?.require(group_file::APPLY_PERMISSION)?;
        }
        check_payload_selection(ctx, apply)?;
        let campaign_id = match ids::campaign_id(&campaign_id) {
            Ok(id) => id,
            Err(err) => {
                return Ok(BulkEditPartnerGroupsPayload::refused(
                    "campaignId",
                    UserErrorCode::Invalid,
                    err.public_message(),
                ))
            }
        };
        let bytes = match read_upload(ctx, &file) {
            Ok(bytes) => bytes,
            Err(err) => {
                return Ok(BulkEditPartnerGroupsPayload::refused(
                    "file",
                    UserErrorCode::Invalid,
                    err.public_message(),
                ))
            }
        };
        match group_file::bulk_edit(
            db(ctx)?,
            auth(ctx)?,
            campaign_id,
            bytes,
            apply,
            &clock(ctx)?,
        )
        .await
        {
            Ok(plan) => Ok(BulkEditPartnerGroupsPayload::from_plan(plan)),
            Err(AppError::Validation(message)) => Ok(BulkEditPartnerGroupsPayload::refused(
                "file",
                UserErrorCode::Invalid,
                message,
            )),
            Err(AppError::NotFound(message)) => Ok(BulkEditPartnerGroupsPayload::refused(
                "campaignId",
                UserErrorCode::NotFound,
                message,
            )),
            Err(err) => Err(err.into()),
        }
    }
}
