//! The column catalog and saved views of the partner list.

use async_graphql::{Object, SimpleObject, ID};

use crate::domain::{GlobalId, OrderDirection, PartnerOrderField};
use crate::graphql::types::scalars::{DateTime, Json};
use crate::service::partners::columns::{Column, ColumnType};
use crate::service::views;

use entity::partner_view;

/// A column a column picker offers for the partner list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PartnerColumn {
    /// Stable key, used in saved views (`customField:<id>` for custom fields).
    pub key: String,
    /// Header text.
    pub label: String,
    /// What the column shows.
    #[graphql(name = "type")]
    pub column_type: ColumnType,
    /// Whether the list can be sorted by this column.
    pub sortable: bool,
    /// The `orderBy` field that sorts by this column; null when it is not sortable.
    pub sort_field: Option<PartnerOrderField>,
    /// Whether the list can be filtered by this column.
    pub filterable: bool,
    /// The `PartnerFilter` field that filters by this column; null when it is not filterable.
    pub filter_field: Option<String>,
    /// The `Partner` fields to select to fill this column.
    pub selection: String,
    /// The custom field the column shows, for custom field columns.
    pub custom_field_id: Option<i64>,
}

impl From<Column> for PartnerColumn {
    fn from(c: Column) -> Self {
        PartnerColumn {
            key: c.key,
            label: c.label,
            column_type: c.column_type,
            sortable: c.sort_field.is_some(),
            sort_field: c.sort_field,
            filterable: c.filter_field.is_some(),
            filter_field: c.filter_field.map(str::to_owned),
            selection: c.selection,
            custom_field_id: c.custom_field_id,
        }
    }
}

/// One sort key of a saved view.
#[derive(SimpleObject, Clone, Debug)]
pub struct PartnerOrderValue {
    /// What to sort by.
    pub field: PartnerOrderField,
    /// Which way.
    pub direction: OrderDirection,
}

/// A user's saved view of the partner list: columns, filter and sort.
pub struct PartnerView(pub partner_view::Model);

/// A user's saved view of the partner list: columns, filter and sort.
#[Object]
impl PartnerView {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::PartnerView(self.0.id).encode())
    }

    /// Numeric id of the view.
    async fn view_id(&self) -> i64 {
        self.0.id
    }

    /// The campaign the view lists.
    async fn campaign_id(&self) -> i64 {
        self.0.campaign_id
    }

    /// The view's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Column keys (see `partnerColumns`), in display order.
    async fn columns(&self) -> Vec<String> {
        views::columns_of(&self.0)
    }

    /// The filter, exactly as saved: pass it as the `filter` argument of `partners`.
    async fn filter(&self) -> Json {
        Json(views::filter_of(&self.0))
    }

    /// The sort keys: pass them as the `orderBy` argument of `partners`.
    async fn order_by(&self) -> Vec<PartnerOrderValue> {
        views::order_of(&self.0)
            .into_iter()
            .map(|k| PartnerOrderValue {
                field: k.field,
                direction: k.direction,
            })
            .collect()
    }

    /// When the view was last saved.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}
