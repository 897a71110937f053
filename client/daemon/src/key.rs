//! The account a daemon signs with: `--suri` on the command line, or `--key-file` naming a
//! file that holds the secret URI, so the secret stays out of the process list and the
//! shell's history. A key file readable by group or others is refused, as ssh refuses
//! such a private key.

use std::path::{Path, PathBuf};

/// The signing-key flags every daemon takes.
#[derive(clap::Args, Clone, Debug)]
pub struct KeyArgs {
	/// The account's secret URI (a mnemonic, a 0x seed, or a //derivation).
	#[arg(long, conflicts_with = "key_file", required_unless_present = "key_file")]
	pub suri: Option<String>,
	/// A file holding the account's secret URI (one line; mode 0600 or stricter).
	#[arg(long, value_name = "PATH")]
	pub key_file: Option<PathBuf>,
}

/// Why the key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// The file could not be read.
	#[error("key file {0}: {1}")]
	Read(PathBuf, std::io::Error),
	/// Others may read the file.
	#[error("key file {0} is readable by group or others (mode {1:o}): chmod 600 it")]
	Exposed(PathBuf, u32),
	/// The file holds nothing.
	#[error("key file {0} is empty")]
	Empty(PathBuf),
	/// Neither flag was given.
	#[error("give --suri or --key-file")]
	Missing,
}

impl KeyArgs {
	/// The secret URI, from the flag or the file.
	pub fn secret_uri(&self) -> Result<String, KeyError> {
		match (&self.suri, &self.key_file) {
			(Some(s), _) => Ok(s.clone()),
			(None, Some(path)) => read_key_file(path),
			(None, None) => Err(KeyError::Missing),
		}
	}
}

fn read_key_file(path: &Path) -> Result<String, KeyError> {
	let read = |e| KeyError::Read(path.to_path_buf(), e);
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode = std::fs::metadata(path).map_err(read)?.permissions().mode() & 0o777;
		if mode & 0o077 != 0 {
			return Err(KeyError::Exposed(path.to_path_buf(), mode));
		}
	}
	let text = std::fs::read_to_string(path).map_err(read)?;
	let secret = text.trim();
	if secret.is_empty() {
		return Err(KeyError::Empty(path.to_path_buf()));
	}
	Ok(secret.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::Parser;

	#[derive(Parser)]
	struct Cli {
		#[command(flatten)]
		key: KeyArgs,
	}

	#[test]
	fn a_key_comes_from_the_flag_or_a_private_file() {
		let cli = Cli::try_parse_from(["d", "--suri", "//Bob"]).unwrap();
		assert_eq!(cli.key.secret_uri().unwrap(), "//Bob");
		assert!(Cli::try_parse_from(["d"]).is_err(), "one of the two is required");
		assert!(Cli::try_parse_from(["d", "--suri", "//A", "--key-file", "f"]).is_err());

		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("key");
		std::fs::write(&path, "//Dave\n").unwrap();
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
			let cli = Cli::try_parse_from(["d", "--key-file", path.to_str().unwrap()]).unwrap();
			let e = cli.key.secret_uri().unwrap_err();
			assert!(e.to_string().contains("chmod 600"), "{e}");
			std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
		}
		let cli = Cli::try_parse_from(["d", "--key-file", path.to_str().unwrap()]).unwrap();
		assert_eq!(cli.key.secret_uri().unwrap(), "//Dave");
		let missing = Cli::try_parse_from(["d", "--key-file", "/nonexistent/key"]).unwrap();
		assert!(matches!(missing.key.secret_uri(), Err(KeyError::Read(..))));
	}
}
