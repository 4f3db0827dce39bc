//! Per-request DataLoaders: every relation of a partner is loaded for the whole page at once.
//! Each key type names one relation; the SQL lives in `service::partners::relations`.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::DatabaseConnection;

use crate::auth::AuthContext;
use crate::error::AppError;
use crate::service::account_links::{self, LinkView};
use crate::service::partners::relations::{self, AnswerRecord};
use crate::service::partners::PartnerKey;

use entity::{
    account_user, contract_template, custom_field, custom_field_option, media_property,
    partner_attribute, partner_contact, partner_contract, partner_group,
};

/// The loaders of one request, scoped to its caller.
pub struct Loaders {
    db: DatabaseConnection,
    auth: AuthContext,
}

impl Loaders {
    /// A DataLoader for one request.
    pub fn for_request(
        db: DatabaseConnection,
        auth: AuthContext,
    ) -> DataLoader<Loaders, HashMapCache> {
        // Batches run in tasks of their own: they keep the request's span (and so its id).
        let spawn = |batch| tokio::spawn(tracing::Instrument::in_current_span(batch));
        DataLoader::with_cache(Loaders { db, auth }, spawn, HashMapCache::default())
    }
}

/// Loader error: shared between the waiters of one batch, so it is reference-counted.
pub type LoadError = std::sync::Arc<AppError>;

fn shared(err: AppError) -> LoadError {
    std::sync::Arc::new(err)
}

macro_rules! partner_id_loader {
    ($key:ident, $value:ty, $fetch:path, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for Loaders {
            type Value = $value;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let mut map = $fetch(&self.db, &ids).await.map_err(shared)?;
                // Every key gets an answer (an empty list too), so the request cache holds it.
                Ok(ids
                    .into_iter()
                    .map(|k| ($key(k), map.remove(&k).unwrap_or_default()))
                    .collect())
            }
        }
    };
}

macro_rules! scoped_loader {
    (list $key:ident, $inner:ty, $value:ty, $fetch:path, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub $inner);

        impl Loader<$key> for Loaders {
            type Value = $value;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let inner: Vec<$inner> = keys.iter().map(|k| k.0).collect();
                let mut map = $fetch(&self.db, &self.auth, &inner).await.map_err(shared)?;
                // Every key gets an answer (an empty list too), so the request cache holds it.
                Ok(inner
                    .into_iter()
                    .map(|k| ($key(k), map.remove(&k).unwrap_or_default()))
                    .collect())
            }
        }
    };
    ($key:ident, $inner:ty, $value:ty, $fetch:path, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub $inner);

        impl Loader<$key> for Loaders {
            type Value = $value;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let inner: Vec<$inner> = keys.iter().map(|k| k.0).collect();
                let map = $fetch(&self.db, &self.auth, &inner).await.map_err(shared)?;
                Ok(map.into_iter().map(|(k, v)| ($key(k), v)).collect())
            }
        }
    };
}

partner_id_loader!(
    AttributesOf,
    Vec<partner_attribute::Model>,
    relations::attributes,
    "The profile attributes of a partner."
);
partner_id_loader!(
    MediaPropertiesOf,
    Vec<media_property::Model>,
    relations::media_properties,
    "The media properties of a partner."
);
partner_id_loader!(
    ContactsOf,
    Vec<partner_contact::Model>,
    relations::contacts,
    "The contacts of a partner."
);
scoped_loader!(
    list GroupsOf,
    PartnerKey,
    Vec<partner_group::Model>,
    relations::groups,
    "The groups of a partner in a campaign."
);
scoped_loader!(
    list ContractsOf,
    PartnerKey,
    Vec<partner_contract::Model>,
    relations::contracts,
    "The contract records of a partner in a campaign."
);
scoped_loader!(
    list AnswersOf,
    PartnerKey,
    Vec<AnswerRecord>,
    relations::custom_field_answers,
    "The custom field answers of a partner in a campaign."
);
scoped_loader!(
    list AccountLinksOf,
    i64,
    Vec<LinkView>,
    account_links::of_partners,
    "The account links of a partner (by partner id)."
);
scoped_loader!(
    UserById,
    i64,
    account_user::Model,
    relations::users,
    "An account user by id."
);
scoped_loader!(
    TemplateById,
    i64,
    contract_template::Model,
    relations::templates,
    "A contract template by id."
);
scoped_loader!(
    FieldById,
    i64,
    custom_field::Model,
    relations::custom_fields,
    "A custom field by id."
);
scoped_loader!(
    list OptionsOfField,
    i64,
    Vec<custom_field_option::Model>,
    relations::custom_field_options,
    "The options of a custom field."
);

/// Turns a shared loader error into a GraphQL error with the same code.
pub fn to_gql(err: LoadError) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    let code = err.code();
    async_graphql::Error::new(err.public_message()).extend_with(|_, ext| ext.set("code", code))
}

scoped_loader!(
    MemberCountOf,
    i64,
    i64,
    crate::service::groups::member_counts,
    "The number of members of a partner group."
);
