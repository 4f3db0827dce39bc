//! partnergraph: a GraphQL (and Partner Groups REST) API over a brand's affiliate-partner data.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod observability;
pub mod rest;
pub mod seed;
pub mod service;
pub mod startup;
