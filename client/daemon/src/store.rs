//! One on-disk layout for every daemon's RocksDB (`--base-path`).
//!
//! - **Column families** named by the daemon's [`Schema`]; every one is created at open.
//! - **One value codec**: records are SCALE-encoded ([`Database::get`], [`Batch::put`]);
//!   raw bytes (segment data, cells) go through [`Database::get_raw`] and
//!   [`Batch::put_raw`].
//! - **A schema version**, kept in the `default` column family as
//!   `(daemon name, version)`. A database written by another daemon, or by a newer
//!   release of this one, is refused with one line that says so; nothing is read or
//!   written. An older one is migrated, step by step, by the daemon's migration
//!   function, and its version updated in the same run. A database without the record
//!   that holds data was written before versions existed: it is version 0.
//! - **Durability**: [`Database::write`] applies a [`Batch`] atomically through the
//!   write-ahead log, and fsyncs it when the daemon asked for synced writes.

use std::path::{Path, PathBuf};

use codec::{Decode, Encode};
use rocksdb::{ColumnFamily, ColumnFamilyDescriptor, Direction, IteratorMode, Options, DB};

/// Key of the schema record in the `default` column family.
const SCHEMA_KEY: &[u8] = b"zerog:schema";

/// What a daemon's database holds, and at which version of its layout.
#[derive(Clone, Copy, Debug)]
pub struct Schema {
	/// The daemon that owns it (`zgs-node`).
	pub daemon: &'static str,
	/// The version of the layout this build reads and writes.
	pub version: u32,
	/// Its column families.
	pub columns: &'static [&'static str],
}

/// Why a database could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
	/// RocksDB reported an error.
	#[error("database error: {0}")]
	Db(#[from] rocksdb::Error),
	/// A record does not decode.
	#[error("corrupt record in column {column}: {why}")]
	Corrupt {
		/// The column family.
		column: &'static str,
		/// The decoder's complaint.
		why: String,
	},
	/// The database belongs to another daemon or a newer release.
	#[error("{path}: {why}")]
	Schema {
		/// The database's directory.
		path: PathBuf,
		/// What does not match, and what to do.
		why: String,
	},
	/// A column family the schema does not declare.
	#[error("no column family {0} in this schema")]
	UnknownColumn(&'static str),
}

/// A write batch: applied whole or not at all by [`Database::write`].
pub struct Batch<'a> {
	db: &'a Database,
	inner: rocksdb::WriteBatch,
}

impl Batch<'_> {
	/// Puts a SCALE-encoded record.
	pub fn put<V: Encode>(
		&mut self,
		column: &'static str,
		key: impl AsRef<[u8]>,
		value: &V,
	) -> Result<(), DbError> {
		self.inner.put_cf(self.db.cf(column)?, key, value.encode());
		Ok(())
	}

	/// Puts raw bytes.
	pub fn put_raw(
		&mut self,
		column: &'static str,
		key: impl AsRef<[u8]>,
		value: impl AsRef<[u8]>,
	) -> Result<(), DbError> {
		self.inner.put_cf(self.db.cf(column)?, key, value);
		Ok(())
	}

	/// Deletes a key.
	pub fn delete(&mut self, column: &'static str, key: impl AsRef<[u8]>) -> Result<(), DbError> {
		self.inner.delete_cf(self.db.cf(column)?, key);
		Ok(())
	}

	/// Deletes the keys in `[from, to)`.
	pub fn delete_range(
		&mut self,
		column: &'static str,
		from: impl AsRef<[u8]>,
		to: impl AsRef<[u8]>,
	) -> Result<(), DbError> {
		self.inner.delete_range_cf(self.db.cf(column)?, from.as_ref(), to.as_ref());
		Ok(())
	}

	/// Number of operations in the batch.
	pub fn len(&self) -> usize {
		self.inner.len()
	}

	/// Whether the batch is empty.
	pub fn is_empty(&self) -> bool {
		self.inner.is_empty()
	}
}

/// Where [`Database::move_legacy_keys`] puts a legacy entry: column, key, value.
pub type Moved = (&'static str, Vec<u8>, Vec<u8>);

/// A daemon's database.
pub struct Database {
	db: DB,
	schema: Schema,
	sync: bool,
	path: PathBuf,
}

impl Database {
	/// Opens (creating if needed) the database at `path` for `schema`: refuses another
	/// daemon's or a newer one, and brings an older one to `schema.version` by calling
	/// `migrate(db, from)` for each version `from` below it (0 is a database written
	/// before schema versions). `options` tunes RocksDB (write buffer, compression);
	/// `sync` fsyncs every [`Database::write`].
	pub fn open(
		path: &Path,
		schema: Schema,
		sync: bool,
		mut options: Options,
		migrate: impl Fn(&Database, u32) -> Result<(), DbError>,
	) -> Result<Self, DbError> {
		options.create_if_missing(true);
		options.create_missing_column_families(true);
		// Every existing column family must be opened too, including any a later
		// release added (the version check below then refuses the database).
		let mut names: Vec<String> = DB::list_cf(&options, path).unwrap_or_default();
		for c in schema.columns {
			if !names.iter().any(|n| n == c) {
				names.push(c.to_string());
			}
		}
		let cfs = names
			.iter()
			.filter(|n| n.as_str() != rocksdb::DEFAULT_COLUMN_FAMILY_NAME)
			.map(|n| ColumnFamilyDescriptor::new(n, Options::default()));
		let db = DB::open_cf_descriptors(&options, path, cfs)?;
		let me = Self { db, schema, sync, path: path.to_path_buf() };
		let found = me.stored_schema()?;
		let from = match found {
			Some((daemon, _)) if daemon != schema.daemon => {
				return Err(me.refuse(format!(
					"this database belongs to {daemon}, not {}; give {} a --base-path of its own",
					schema.daemon, schema.daemon
				)))
			}
			Some((_, v)) if v > schema.version => {
				return Err(me.refuse(format!(
					"this database is at schema version {v}, and this {} reads up to {}; run \
					 the release that wrote it, or a newer one",
					schema.daemon, schema.version
				)))
			}
			Some((_, v)) => v,
			None if me.is_empty()? => schema.version,
			None => 0,
		};
		for v in from..schema.version {
			tracing::info!(
				target: "store",
				"{}: migrating {} from schema version {v} to {}",
				me.path.display(),
				schema.daemon,
				v + 1
			);
			migrate(&me, v)?;
		}
		if found.map(|(_, v)| v) != Some(schema.version) {
			me.db.put_opt(
				SCHEMA_KEY,
				(schema.daemon.to_string(), schema.version).encode(),
				&me.write_options(true),
			)?;
		}
		Ok(me)
	}

	fn refuse(&self, why: String) -> DbError {
		DbError::Schema { path: self.path.clone(), why }
	}

	/// The `(daemon, version)` record, if any.
	fn stored_schema(&self) -> Result<Option<(String, u32)>, DbError> {
		match self.db.get(SCHEMA_KEY)? {
			None => Ok(None),
			Some(v) => <(String, u32)>::decode(&mut &v[..])
				.map(Some)
				.map_err(|e| self.refuse(format!("unreadable schema record ({e})"))),
		}
	}

	/// Whether no column family holds a key (the schema record aside).
	fn is_empty(&self) -> Result<bool, DbError> {
		if let Some(item) = self.db.iterator(IteratorMode::Start).next() {
			let (k, _) = item?;
			if &*k != SCHEMA_KEY {
				return Ok(false);
			}
		}
		for c in self.schema.columns {
			if self.db.iterator_cf(self.cf(c)?, IteratorMode::Start).next().is_some() {
				return Ok(false);
			}
		}
		Ok(true)
	}

	/// The schema this database was opened with.
	pub fn schema(&self) -> &Schema {
		&self.schema
	}

	/// A column family of the schema.
	pub fn cf(&self, column: &'static str) -> Result<&ColumnFamily, DbError> {
		self.db.cf_handle(column).ok_or(DbError::UnknownColumn(column))
	}

	fn write_options(&self, sync: bool) -> rocksdb::WriteOptions {
		let mut w = rocksdb::WriteOptions::default();
		w.set_sync(sync);
		w
	}

	/// An empty batch.
	pub fn batch(&self) -> Batch<'_> {
		Batch { db: self, inner: rocksdb::WriteBatch::default() }
	}

	/// Applies `batch` atomically (fsynced if the daemon asked for synced writes).
	pub fn write(&self, batch: Batch<'_>) -> Result<(), DbError> {
		self.db.write_opt(batch.inner, &self.write_options(self.sync))?;
		Ok(())
	}

	/// Applies `batch` atomically and fsyncs it, whatever the daemon's setting.
	pub fn write_synced(&self, batch: Batch<'_>) -> Result<(), DbError> {
		self.db.write_opt(batch.inner, &self.write_options(true))?;
		Ok(())
	}

	/// A SCALE-encoded record.
	pub fn get<V: Decode>(
		&self,
		column: &'static str,
		key: impl AsRef<[u8]>,
	) -> Result<Option<V>, DbError> {
		match self.db.get_pinned_cf(self.cf(column)?, key)? {
			None => Ok(None),
			Some(v) => decode(column, &v).map(Some),
		}
	}

	/// Raw bytes.
	pub fn get_raw(
		&self,
		column: &'static str,
		key: impl AsRef<[u8]>,
	) -> Result<Option<Vec<u8>>, DbError> {
		Ok(self.db.get_cf(self.cf(column)?, key)?)
	}

	/// Whether `key` is set.
	pub fn contains(&self, column: &'static str, key: impl AsRef<[u8]>) -> Result<bool, DbError> {
		Ok(self.db.get_pinned_cf(self.cf(column)?, key)?.is_some())
	}

	/// Calls `f` with each key and value of `column` from `from` on, ascending, until it
	/// returns `false`.
	pub fn for_each(
		&self,
		column: &'static str,
		from: &[u8],
		mut f: impl FnMut(&[u8], &[u8]) -> Result<bool, DbError>,
	) -> Result<(), DbError> {
		for item in
			self.db.iterator_cf(self.cf(column)?, IteratorMode::From(from, Direction::Forward))
		{
			let (k, v) = item?;
			if !f(&k, &v)? {
				break;
			}
		}
		Ok(())
	}

	/// Flushes the write-ahead log to disk.
	pub fn flush_wal(&self) -> Result<(), DbError> {
		self.db.flush_wal(true)?;
		Ok(())
	}

	/// Migration helper: walks `column` (`None`: the `default` column family, the schema
	/// record aside) and lets `f` add writes for each key and value to a batch, applied
	/// and synced every 4,096 operations, so a store of any size is rewritten in bounded
	/// memory. The walk reads a snapshot taken at its start, so `f` may rewrite or delete
	/// the keys it visits.
	pub fn rewrite(
		&self,
		column: Option<&'static str>,
		mut f: impl FnMut(&[u8], &[u8], &mut Batch<'_>) -> Result<(), DbError>,
	) -> Result<(), DbError> {
		let walk = match column {
			Some(c) => self.db.iterator_cf(self.cf(c)?, IteratorMode::Start),
			None => self.db.iterator(IteratorMode::Start),
		};
		let mut batch = self.batch();
		for item in walk {
			let (k, v) = item?;
			if column.is_none() && &*k == SCHEMA_KEY {
				continue;
			}
			f(&k, &v, &mut batch)?;
			if batch.len() >= 4096 {
				self.write_synced(std::mem::replace(&mut batch, self.batch()))?;
			}
		}
		self.write_synced(batch)
	}

	/// Migration helper: moves the entries of the `default` column family (the layout
	/// before column families) to the column, key and value `route` gives each, or drops
	/// an entry for `None`; returns how many moved. Streams through [`Database::rewrite`].
	pub fn move_legacy_keys(
		&self,
		mut route: impl FnMut(&[u8], &[u8]) -> Result<Option<Moved>, DbError>,
	) -> Result<usize, DbError> {
		let mut moved = 0;
		self.rewrite(None, |k, v, batch| {
			if let Some((column, key, value)) = route(k, v)? {
				batch.put_raw(column, key, value)?;
				moved += 1;
			}
			batch.inner.delete(k);
			Ok(())
		})?;
		Ok(moved)
	}
}

/// Decodes a SCALE record of `column`, all of it.
pub fn decode<V: Decode>(column: &'static str, mut bytes: &[u8]) -> Result<V, DbError> {
	let v = V::decode(&mut bytes).map_err(|e| DbError::Corrupt { column, why: e.to_string() })?;
	if !bytes.is_empty() {
		return Err(DbError::Corrupt { column, why: format!("{} trailing bytes", bytes.len()) });
	}
	Ok(v)
}

#[cfg(test)]
mod tests {
	use super::*;

	const V1: Schema = Schema { daemon: "test-daemon", version: 1, columns: &["a", "b"] };
	const V2: Schema = Schema { daemon: "test-daemon", version: 2, columns: &["a", "b", "c"] };

	fn no_migration(_: &Database, from: u32) -> Result<(), DbError> {
		panic!("no migration expected (from {from})")
	}

	#[test]
	fn records_round_trip_and_survive_reopen() {
		let dir = tempfile::tempdir().unwrap();
		{
			let db =
				Database::open(dir.path(), V1, false, Options::default(), no_migration).unwrap();
			let mut b = db.batch();
			b.put("a", b"k1", &(7u64, b"x".to_vec())).unwrap();
			b.put_raw("b", b"k2", b"raw").unwrap();
			db.write(b).unwrap();
			assert!(matches!(db.batch().put("zz", b"k", &1u8), Err(DbError::UnknownColumn("zz"))));
		}
		let db = Database::open(dir.path(), V1, false, Options::default(), no_migration).unwrap();
		assert_eq!(db.get::<(u64, Vec<u8>)>("a", b"k1").unwrap(), Some((7, b"x".to_vec())));
		assert_eq!(db.get_raw("b", b"k2").unwrap().as_deref(), Some(&b"raw"[..]));
		// A record that does not decode as what is asked is an error, not a panic.
		assert!(matches!(db.get::<u64>("b", b"k2"), Err(DbError::Corrupt { column: "b", .. })));
		assert!(matches!(db.get::<(u64, Vec<u8>, u8)>("a", b"k1"), Err(DbError::Corrupt { .. })));
	}

	#[test]
	fn a_newer_or_foreign_database_is_refused_and_left_alone() {
		let dir = tempfile::tempdir().unwrap();
		let migrate = |db: &Database, from: u32| {
			assert_eq!(from, 1);
			let mut b = db.batch();
			b.put("c", b"migrated", &true)?;
			db.write(b)
		};
		drop(Database::open(dir.path(), V2, false, Options::default(), no_migration).unwrap());
		// This build reads version 1 only: the version 2 database is refused.
		let e = Database::open(dir.path(), V1, false, Options::default(), no_migration)
			.err()
			.expect("refused");
		assert!(e.to_string().contains("schema version 2"), "{e}");
		let other = Schema { daemon: "other", ..V2 };
		let e = Database::open(dir.path(), other, false, Options::default(), no_migration)
			.err()
			.expect("refused");
		assert!(e.to_string().contains("belongs to test-daemon"), "{e}");
		// A version 1 database with data migrates once to version 2.
		let dir = tempfile::tempdir().unwrap();
		{
			let db =
				Database::open(dir.path(), V1, false, Options::default(), no_migration).unwrap();
			let mut b = db.batch();
			b.put("a", b"k", &1u32).unwrap();
			db.write(b).unwrap();
		}
		let db = Database::open(dir.path(), V2, false, Options::default(), migrate).unwrap();
		assert_eq!(db.get::<bool>("c", b"migrated").unwrap(), Some(true));
		drop(db);
		let db = Database::open(dir.path(), V2, false, Options::default(), no_migration).unwrap();
		assert_eq!(db.get::<u32>("a", b"k").unwrap(), Some(1));
	}

	#[test]
	fn a_database_from_before_versions_is_version_zero_and_its_keys_move() {
		let dir = tempfile::tempdir().unwrap();
		{
			let mut o = Options::default();
			o.create_if_missing(true);
			let raw = DB::open(&o, dir.path()).unwrap();
			raw.put(b"a1", b"one").unwrap();
			raw.put(b"b2", b"two").unwrap();
			raw.put(b"x3", b"dropped").unwrap();
		}
		let migrate = |db: &Database, from: u32| {
			assert_eq!(from, 0);
			let moved = db.move_legacy_keys(|k, v| {
				Ok(match k[0] {
					b'a' => Some(("a", k[1..].to_vec(), v.to_vec())),
					b'b' => Some(("b", k[1..].to_vec(), v.to_vec())),
					_ => None,
				})
			})?;
			assert_eq!(moved, 2);
			Ok(())
		};
		let db = Database::open(dir.path(), V1, false, Options::default(), migrate).unwrap();
		assert_eq!(db.get_raw("a", b"1").unwrap().as_deref(), Some(&b"one"[..]));
		assert_eq!(db.get_raw("b", b"2").unwrap().as_deref(), Some(&b"two"[..]));
		assert!(db.db.get(b"a1").unwrap().is_none() && db.db.get(b"x3").unwrap().is_none());
		drop(db);
		// Migrated once: the next open runs nothing.
		Database::open(dir.path(), V1, false, Options::default(), no_migration).unwrap();
	}
}
