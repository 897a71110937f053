//! Storage migrations, one module per version step; the runtime lists them in its
//! `Migrations`.
//!
//! | version | layout |
//! |---|---|
//! | 0 | services, ledgers, sub-accounts, settled receipts, key history, dispute horizons and slash markers as declared in `lib.rs` |
//!
//! Version 0 is the first layout: there is nothing to migrate yet. A change to a stored
//! type bumps [`crate::STORAGE_VERSION`] and adds a `vN` module here with a
//! `VersionedMigration`, as `pallet-storage-market`'s `migrations::v1` does.
