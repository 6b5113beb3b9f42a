//! zhihui — the Shenyang science-and-technology volunteer programme ("智惠行动") service.
//!
//! Layers: `api` (HTTP only) → `services` (one transaction per action, audit rows) →
//! `domain` (pure rules and newtypes) with `export` (xlsx) and `storage` (files) beside.

// The route tree (every API as one poem-openapi tuple) makes deep async types: `cli::run`'s
// future needs more than the default 128 levels to lay out.
#![recursion_limit = "256"]

pub mod api;
pub mod authz;
pub mod cli;
pub mod client_addr;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod mail;
pub mod request_info;
pub mod security;
pub mod services;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod throttle;
pub mod web;
