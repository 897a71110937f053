//! `zg inft`: intelligent NFTs whose encrypted data key moves with the token. The work
//! is in [`crate::inft`]; this module parses the subcommands and prints their results,
//! as text or, with `--json`, as one JSON object.

use std::path::PathBuf;

use clap::Subcommand;
use polkadot_sdk::sp_core::crypto::{Pair as _, Ss58Codec};
use polkadot_sdk::sp_runtime::AccountId32;
use serde_json::json;
use zerog_chain_client::{bounded, to_chain, zerog};
use zerog_daemon::amount::{format_zg, parse_zg};
use zerog_erasure::CodeParams;
use zerog_inft_primitives::{prove::new_sealed_key, IntelligentData, Purpose};
use zerog_storage_node::api::to_hex;

use super::{err, mib, parse_account, Context, KeyArgs};
use crate::{inft, storage};

#[derive(Subcommand)]
pub enum KeysCmd {
	/// Registers the signer's encryption key (derived from its secret) with a proof of
	/// possession. Minting, buying and receiving register it when needed.
	Register {
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Prints the signer's encryption key and whether the chain has it.
	Show {
		#[command(flatten)]
		key: KeyArgs,
	},
}

/// Where the encrypted data goes in ZeroG storage.
#[derive(clap::Args, Clone, Debug)]
pub struct StoreArgs {
	/// Months of storage to pay for.
	#[arg(long, default_value_t = 12)]
	months: u32,
	/// Storage node URLs (default: the nodes registered on chain).
	#[arg(long = "node")]
	nodes: Vec<String>,
}

#[derive(Subcommand)]
pub enum InftCmd {
	/// Encryption keys.
	#[command(subcommand)]
	Keys(KeysCmd),
	/// Creates a collection owned by the signer (a deposit is held); prints its id.
	CreateCollection {
		name: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Encrypts FILE under a fresh data key (streaming), uploads it to ZeroG storage and
	/// mints a token carrying it, its key sealed to the owner (the signer, or --to).
	Mint {
		file: PathBuf,
		#[arg(long)]
		description: String,
		/// The collection (default: a new one named after the file).
		#[arg(long)]
		collection: Option<u64>,
		/// The owner's SS58 address (default: the signer); it needs a registered key.
		#[arg(long)]
		to: Option<String>,
		#[command(flatten)]
		store: StoreArgs,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Gives token ID (COLLECTION/TOKEN) to --to with its data key, proven on chain.
	Transfer {
		id: String,
		#[arg(long)]
		to: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Mints a copy of token ID (same data and key) for --to (default: the signer).
	Clone {
		id: String,
		#[arg(long)]
		to: Option<String>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Grants EXECUTOR (e.g. a compute provider) the data key of token ID's version.
	Authorize {
		id: String,
		executor: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Withdraws EXECUTOR's grant on token ID.
	Revoke {
		id: String,
		executor: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Replaces token ID's data with FILE under a fresh data key: past owners and
	/// executors cannot read the new version.
	Update {
		id: String,
		file: PathBuf,
		#[arg(long)]
		description: Option<String>,
		#[command(flatten)]
		store: StoreArgs,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Downloads token ID's data, verifies it against the chain and its AEAD tags, and
	/// decrypts it into FILE: for the owner and authorized executors only.
	Fetch {
		id: String,
		#[arg(short, long)]
		output: PathBuf,
		#[arg(long = "node")]
		nodes: Vec<String>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Shows token ID: owner, data, version, grants, sale.
	Info { id: String },
	/// Lists the tokens of an account (default: the signer).
	List {
		#[arg(long)]
		owner: Option<String>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Burns token ID, releasing its deposit.
	Burn {
		id: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Lists token ID for sale at PRICE ZG.
	Sell {
		id: String,
		price: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Withdraws a sale nobody paid for yet.
	Unlist {
		id: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Pays for token ID into escrow (at most --max-price ZG, default the listed price).
	Buy {
		id: String,
		#[arg(long)]
		max_price: Option<String>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// As the seller, delivers a bought token to its buyer with a verified transfer,
	/// which releases the payment.
	Deliver {
		id: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Refunds the buyer of token ID once the delivery deadline has passed.
	Refund {
		id: String,
		#[command(flatten)]
		key: KeyArgs,
	},
}

/// Encrypts `file` under `key` into a temporary file and uploads it; the storage id and
/// the plaintext size.
async fn store(
	ctx: &Context,
	signer: &polkadot_sdk::sp_core::sr25519::Pair,
	file: &std::path::Path,
	key: &[u8; 32],
	args: &StoreArgs,
) -> Result<([u8; 32], u64, f64), String> {
	let encrypted = inft::TempFile::new("mint");
	let started = std::time::Instant::now();
	let (src, dst, key2) = (file.to_path_buf(), encrypted.0.clone(), *key);
	let size = tokio::task::spawn_blocking(move || inft::encrypt_file(&key2, &src, &dst))
		.await
		.map_err(err)??;
	let opts = storage::UploadOpts {
		params: CodeParams::default(),
		months: args.months,
		nodes: args.nodes.clone(),
		parallel: 16,
		transport: storage::Transport::default(),
		quiet: ctx.quiet,
	};
	let report = storage::upload(&ctx.chain, signer, &encrypted.0, &opts).await?;
	Ok((report.id, size, started.elapsed().as_secs_f64()))
}

/// A description within the chain's limit (`Inft::MaxDescriptionLen`).
async fn description(ctx: &Context, s: &str) -> Result<Vec<u8>, String> {
	let max =
		ctx.chain.constant(zerog::constants().inft().max_description_len()).await.map_err(err)?;
	if s.len() > max as usize {
		return Err(format!("the description is {} bytes; the chain takes at most {max}", s.len()));
	}
	Ok(s.as_bytes().to_vec())
}

impl InftCmd {
	/// Runs the subcommand.
	pub async fn execute(self, ctx: &Context) -> Result<(), String> {
		let chain = &ctx.chain;
		match self {
			InftCmd::Keys(KeysCmd::Register { key }) => {
				let signer = key.pair()?;
				let now = inft::ensure_key(chain, &signer).await?;
				let public = inft::secret_of(&signer)?.public();
				if ctx.json {
					return ctx.print(json!({ "key": to_hex(&public.0), "registered": now }));
				}
				println!(
					"key {} {}",
					to_hex(&public.0),
					if now { "registered" } else { "was already registered" }
				);
			}
			InftCmd::Keys(KeysCmd::Show { key }) => {
				let signer = key.pair()?;
				let public = inft::secret_of(&signer)?.public();
				let on_chain = inft::key_of(chain, &AccountId32::from(signer.public())).await?;
				let registered = on_chain == Some(public);
				if ctx.json {
					return ctx
						.print(json!({ "key": to_hex(&public.0), "registered": registered }));
				}
				println!(
					"key {} ({})",
					to_hex(&public.0),
					if registered { "registered" } else { "not registered" }
				);
			}
			InftCmd::CreateCollection { name, key } => {
				let signer = key.pair()?;
				let id = create_collection(ctx, &signer, &name).await?;
				if ctx.json {
					return ctx.print(json!({ "collection": id }));
				}
				println!("collection {id}");
			}
			InftCmd::Mint { file, description: d, collection, to, store: args, key } => {
				let signer = key.pair()?;
				inft::ensure_key(chain, &signer).await?;
				let owner = match to {
					Some(to) => parse_account(&to)?,
					None => AccountId32::from(signer.public()),
				};
				let owner_key = inft::receiver_key(chain, &owner).await?;
				let description = description(ctx, &d).await?;
				let collection = match collection {
					Some(c) => c,
					None => {
						let name =
							file.file_name().unwrap_or_default().to_string_lossy().into_owned();
						create_collection(ctx, &signer, &name).await?
					}
				};
				let (m, sealed) = new_sealed_key(&owner_key).map_err(|e| format!("{e:?}"))?;
				let data_key = zerog_inft_primitives::data_key(&m);
				let (file_id, size, secs) = store(ctx, &signer, &file, &data_key, &args).await?;
				let data = IntelligentData { description, file: file_id, size };
				let call = zerog::tx().inft().mint(
					collection,
					zerog_chain_client::account(&owner),
					to_chain(&data).map_err(err)?,
					to_chain(&sealed).map_err(err)?,
				);
				let inc = inft::submit(chain, &signer, call).await?;
				let minted = inc.expect::<zerog::inft::events::Minted>().map_err(err)?;
				if ctx.json {
					return ctx.print(json!({
						"id": format!("{}/{}", minted.collection, minted.token),
						"collection": minted.collection,
						"token": minted.token,
						"file": to_hex(&file_id),
						"size": size,
						"encryptedSize": inft::encrypted_size(size),
						"seconds": secs,
						"block": inc.number,
					}));
				}
				println!("token     {}/{}", minted.collection, minted.token);
				println!("file      {} ({} bytes, encrypted)", to_hex(&file_id), size);
				println!("stored    in {secs:.2} s ({:.1} MiB/s)", mib(size, secs));
			}
			InftCmd::Transfer { id, to, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let to = parse_account(&to)?;
				let (sealed, proof) =
					inft::handover(chain, &signer, id, Purpose::Transfer, &to).await?;
				let call = zerog::tx().inft().transfer(
					id.0,
					id.1,
					zerog_chain_client::account(&to),
					sealed,
					proof,
				);
				let inc = inft::submit(chain, &signer, call).await?;
				ctx.done(format!("transferred {}/{} to {to}", id.0, id.1), &inc);
			}
			InftCmd::Clone { id, to, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let to = match to {
					Some(to) => parse_account(&to)?,
					None => AccountId32::from(signer.public()),
				};
				let (sealed, proof) =
					inft::handover(chain, &signer, id, Purpose::Clone, &to).await?;
				let call = zerog::tx().inft().clone(
					id.0,
					id.1,
					zerog_chain_client::account(&to),
					sealed,
					proof,
				);
				let inc = inft::submit(chain, &signer, call).await?;
				let cloned = inc.expect::<zerog::inft::events::Cloned>().map_err(err)?;
				if ctx.json {
					return ctx.print(
						json!({ "id": format!("{}/{}", id.0, cloned.clone), "block": inc.number }),
					);
				}
				println!("cloned {}/{} into {}/{} for {to}", id.0, id.1, id.0, cloned.clone);
			}
			InftCmd::Authorize { id, executor, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let executor = parse_account(&executor)?;
				let (sealed, proof) =
					inft::handover(chain, &signer, id, Purpose::Usage, &executor).await?;
				let call = zerog::tx().inft().authorize_usage(
					id.0,
					id.1,
					zerog_chain_client::account(&executor),
					sealed,
					proof,
				);
				let inc = inft::submit(chain, &signer, call).await?;
				ctx.done(format!("authorized {executor} on {}/{}", id.0, id.1), &inc);
			}
			InftCmd::Revoke { id, executor, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let executor = parse_account(&executor)?;
				let call = zerog::tx().inft().revoke_usage(
					id.0,
					id.1,
					zerog_chain_client::account(&executor),
				);
				let inc = inft::submit(chain, &signer, call).await?;
				ctx.done(format!("revoked {executor} on {}/{}", id.0, id.1), &inc);
			}
			InftCmd::Update { id, file, description: d, store: args, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let token = inft::token(chain, id).await?;
				let me = AccountId32::from(signer.public());
				if token.info.owner != me {
					return Err(format!("token {}/{} is not the signer's", id.0, id.1));
				}
				inft::ensure_key(chain, &signer).await?;
				let own_key = inft::secret_of(&signer)?.public();
				let description = match d {
					Some(d) => description(ctx, &d).await?,
					None => token.info.data.description.clone(),
				};
				let (m, sealed) = new_sealed_key(&own_key).map_err(|e| format!("{e:?}"))?;
				let data_key = zerog_inft_primitives::data_key(&m);
				let (file_id, size, _) = store(ctx, &signer, &file, &data_key, &args).await?;
				let data = IntelligentData { description, file: file_id, size };
				let call = zerog::tx().inft().update(
					id.0,
					id.1,
					to_chain(&data).map_err(err)?,
					to_chain(&sealed).map_err(err)?,
				);
				let inc = inft::submit(chain, &signer, call).await?;
				let updated = inc.expect::<zerog::inft::events::Updated>().map_err(err)?;
				if ctx.json {
					return ctx.print(
						json!({ "version": updated.version, "file": to_hex(&file_id), "block": inc.number }),
					);
				}
				println!(
					"updated {}/{} to version {} (file {})",
					id.0,
					id.1,
					updated.version,
					to_hex(&file_id)
				);
			}
			InftCmd::Fetch { id, output, nodes, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let token = inft::token(chain, id).await?;
				// Refuse before downloading anything the signer could not decrypt.
				let data_key = inft::data_key_for(&signer, &token)?;
				let encrypted = inft::TempFile::new("fetch");
				let started = std::time::Instant::now();
				let file = token.info.data.file;
				let transport = storage::Transport::default();
				storage::download(chain, file, &encrypted.0, &nodes, 4, transport, ctx.quiet)
					.await?;
				let (src, dst) = (encrypted.0.clone(), output.clone());
				let size =
					tokio::task::spawn_blocking(move || inft::decrypt_file(&data_key, &src, &dst))
						.await
						.map_err(err)??;
				let secs = started.elapsed().as_secs_f64();
				if ctx.json {
					return ctx.print(json!({
						"output": output.display().to_string(),
						"size": size,
						"version": token.info.version,
						"seconds": secs,
					}));
				}
				println!(
					"wrote     {} ({} bytes, version {})",
					output.display(),
					size,
					token.info.version
				);
				println!("verified  every segment against the chain and every chunk's tag");
				println!("speed     {secs:.2} s, {:.1} MiB/s", mib(size, secs));
			}
			InftCmd::Info { id } => {
				let id = inft::parse_id(&id)?;
				let t = inft::token(chain, id).await?;
				let grants: Vec<_> = t
					.grants
					.iter()
					.map(|g| {
						json!({
							"executor": g.executor.to_ss58check(),
							"version": g.version,
						})
					})
					.collect();
				let sale = t.sale.as_ref().map(|s| {
					json!({
						"seller": s.seller.to_ss58check(),
						"price": format_zg(s.price),
						"buyer": s.purchase.as_ref().map(|p| p.buyer.to_ss58check()),
						"deadline": s.purchase.as_ref().map(|p| p.deadline),
					})
				});
				let value = json!({
					"id": format!("{}/{}", id.0, id.1),
					"owner": t.info.owner.to_ss58check(),
					"creator": t.info.creator.to_ss58check(),
					"description": String::from_utf8_lossy(&t.info.data.description),
					"file": to_hex(&t.info.data.file),
					"size": t.info.data.size,
					"version": t.info.version,
					"nonce": t.info.nonce,
					"key": to_hex(&t.info.key.0),
					"grants": grants,
					"sale": sale,
				});
				if ctx.json {
					return ctx.print(value);
				}
				println!("{}", serde_json::to_string_pretty(&value).map_err(err)?);
			}
			InftCmd::List { owner, key } => {
				let owner = match owner {
					Some(o) => parse_account(&o)?,
					None => AccountId32::from(key.pair()?.public()),
				};
				let ids = inft::tokens_of(chain, &owner).await?;
				if ctx.json {
					let ids: Vec<_> = ids.iter().map(|(c, t)| format!("{c}/{t}")).collect();
					return ctx.print(json!({ "owner": owner.to_ss58check(), "tokens": ids }));
				}
				for (c, t) in ids {
					println!("{c}/{t}");
				}
			}
			InftCmd::Burn { id, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let inc = inft::submit(chain, &signer, zerog::tx().inft().burn(id.0, id.1)).await?;
				ctx.done(format!("burned {}/{}", id.0, id.1), &inc);
			}
			InftCmd::Sell { id, price, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let price = parse_zg(&price)?;
				let inc = inft::submit(chain, &signer, zerog::tx().inft().list(id.0, id.1, price))
					.await?;
				ctx.done(format!("listed {}/{} for {} ZG", id.0, id.1, format_zg(price)), &inc);
			}
			InftCmd::Unlist { id, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let inc =
					inft::submit(chain, &signer, zerog::tx().inft().cancel_listing(id.0, id.1))
						.await?;
				ctx.done(format!("unlisted {}/{}", id.0, id.1), &inc);
			}
			InftCmd::Buy { id, max_price, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				inft::ensure_key(chain, &signer).await?;
				let token = inft::token(chain, id).await?;
				let sale =
					token.sale.ok_or_else(|| format!("token {}/{} is not for sale", id.0, id.1))?;
				let max = match max_price {
					Some(p) => parse_zg(&p)?,
					None => sale.price,
				};
				let inc =
					inft::submit(chain, &signer, zerog::tx().inft().buy(id.0, id.1, max)).await?;
				let bought = inc.expect::<zerog::inft::events::Bought>().map_err(err)?;
				if ctx.json {
					return ctx.print(json!({ "price": bought.price.to_string(), "deadline": bought.deadline, "block": inc.number }));
				}
				println!(
					"paid {} ZG into escrow for {}/{}; the seller must deliver by block {}",
					format_zg(bought.price),
					id.0,
					id.1,
					bought.deadline
				);
			}
			InftCmd::Deliver { id, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let token = inft::token(chain, id).await?;
				let buyer = token
					.sale
					.as_ref()
					.and_then(|s| s.purchase.as_ref())
					.map(|p| p.buyer.clone())
					.ok_or_else(|| format!("nobody has paid for {}/{}", id.0, id.1))?;
				let (sealed, proof) =
					inft::handover(chain, &signer, id, Purpose::Transfer, &buyer).await?;
				let call = zerog::tx().inft().deliver(id.0, id.1, sealed, proof);
				let inc = inft::submit(chain, &signer, call).await?;
				ctx.done(format!("delivered {}/{} to {buyer}", id.0, id.1), &inc);
			}
			InftCmd::Refund { id, key } => {
				let signer = key.pair()?;
				let id = inft::parse_id(&id)?;
				let inc =
					inft::submit(chain, &signer, zerog::tx().inft().refund(id.0, id.1)).await?;
				ctx.done(format!("refunded the buyer of {}/{}", id.0, id.1), &inc);
			}
		}
		Ok(())
	}
}

async fn create_collection(
	ctx: &Context,
	signer: &polkadot_sdk::sp_core::sr25519::Pair,
	name: &str,
) -> Result<u64, String> {
	// Longer names are cut to the chain's limit (`Inft::MaxNameLen`).
	let max = ctx.chain.constant(zerog::constants().inft().max_name_len()).await.map_err(err)?;
	let mut name = name.as_bytes().to_vec();
	name.truncate(max as usize);
	let inc = inft::submit(&ctx.chain, signer, zerog::tx().inft().create_collection(bounded(name)))
		.await?;
	let created = inc.expect::<zerog::inft::events::CollectionCreated>().map_err(err)?;
	Ok(created.collection)
}
