//! A partner's media properties and contacts (part of the partner's own profile).

use async_graphql::{Object, ID};

use crate::domain::{GlobalId, MediaPropertyType, SocialPlatform};

use entity::{media_property, partner_contact};

/// A website, app or social account of a partner.
pub struct MediaProperty(pub media_property::Model);

/// A website, app or social account of a partner.
#[Object]
impl MediaProperty {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::MediaProperty(self.0.id).encode())
    }

    /// Numeric id of the media property.
    async fn media_property_id(&self) -> i64 {
        self.0.id
    }

    /// Kind of property.
    async fn property_type(&self) -> async_graphql::Result<MediaPropertyType> {
        Ok(MediaPropertyType::from_stored(&self.0.property_type)?)
    }

    /// Social platform, for social accounts; null for websites and apps.
    async fn platform(&self) -> async_graphql::Result<Option<SocialPlatform>> {
        let platform = self.0.platform.as_deref();
        Ok(platform.map(SocialPlatform::from_stored).transpose()?)
    }

    /// Name of the property (site name, app name, handle).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where the property lives.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// Followers, for social accounts.
    async fn followers(&self) -> Option<i64> {
        self.0.followers
    }

    /// Monthly visits, for websites.
    async fn monthly_visits(&self) -> Option<i64> {
        self.0.monthly_visits
    }
}

/// A person to contact at a partner.
pub struct PartnerContact(pub partner_contact::Model);

/// A person to contact at a partner.
#[Object]
impl PartnerContact {
    /// Numeric id of the contact.
    async fn contact_id(&self) -> i64 {
        self.0.id
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// E-mail address.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// Job title.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// The partner's main contact.
    async fn is_primary(&self) -> bool {
        self.0.is_primary
    }
}
