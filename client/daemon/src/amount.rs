//! Token amounts as people write them, one parser for every daemon flag and `zg`
//! argument: whole ZG with up to 18 decimals (`1.5`, `0.001`, `100 ZG`), or the smallest
//! unit with a `wei` suffix (`5000wei`). [`Amount`] is the clap value type.

/// Decimals of ZG (one ZG is 10^18 of the smallest unit, as one ether is 10^18 wei).
pub const DECIMALS: u32 = 18;
/// One ZG in the smallest unit.
pub const ZG: u128 = 10u128.pow(DECIMALS);

/// Parses `1.5` (or `1.5 ZG`, or `1500000000000000000wei`) into the smallest unit.
pub fn parse_zg(s: &str) -> Result<u128, String> {
	let bad =
		|why: &str| format!("amount {s:?}: {why} (write whole ZG, e.g. 10 or 1.5, or wei as 5wei)");
	let t = s.trim();
	if let Some(wei) = t.strip_suffix("wei") {
		let wei = wei.trim();
		if wei.is_empty() || !wei.chars().all(|c| c.is_ascii_digit()) {
			return Err(bad("not a number"));
		}
		return wei.parse().map_err(|_| bad("too large"));
	}
	let t = t.strip_suffix("ZG").map(str::trim).unwrap_or(t);
	let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
	if whole.is_empty() && frac.is_empty() {
		return Err(bad("empty"));
	}
	if !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
		return Err(bad("not a number"));
	}
	if frac.len() > DECIMALS as usize {
		return Err(bad("more than 18 decimals"));
	}
	let whole: u128 =
		if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad("too large"))? };
	let frac_units: u128 = if frac.is_empty() {
		0
	} else {
		frac.parse::<u128>().map_err(|_| bad("not a number"))?
			* 10u128.pow(DECIMALS - frac.len() as u32)
	};
	whole.checked_mul(ZG).and_then(|w| w.checked_add(frac_units)).ok_or_else(|| bad("too large"))
}

/// Formats the smallest unit as ZG, without trailing zeros.
pub fn format_zg(units: u128) -> String {
	let (whole, frac) = (units / ZG, units % ZG);
	if frac == 0 {
		return format!("{whole} ZG");
	}
	let frac = format!("{frac:018}");
	format!("{whole}.{} ZG", frac.trim_end_matches('0'))
}

/// An amount flag (`--bond 100`), parsed by [`parse_zg`]; `.0` is in the smallest unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount(pub u128);

impl std::str::FromStr for Amount {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, String> {
		parse_zg(s).map(Amount)
	}
}

impl std::fmt::Display for Amount {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&format_zg(self.0))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_and_formats_decimal_amounts() {
		assert_eq!(parse_zg("1.5"), Ok(1_500_000_000_000_000_000));
		assert_eq!(parse_zg("10"), Ok(10 * ZG));
		assert_eq!(parse_zg("100 ZG"), Ok(100 * ZG));
		assert_eq!(parse_zg(".25"), Ok(ZG / 4));
		assert_eq!(parse_zg("0.000000000000000001"), Ok(1));
		assert!(parse_zg("0.0000000000000000001").unwrap_err().contains("18 decimals"));
		assert!(parse_zg("-1").unwrap_err().contains("not a number"));
		assert!(parse_zg("1e3").is_err());
		assert!(parse_zg("").is_err());
		assert!(parse_zg("999999999999999999999999").unwrap_err().contains("too large"));
		assert_eq!(format_zg(1_500_000_000_000_000_000), "1.5 ZG");
		assert_eq!(format_zg(3 * ZG), "3 ZG");
		assert_eq!(format_zg(1), "0.000000000000000001 ZG");
		for s in ["1.5", "0.001", "42"] {
			assert_eq!(format_zg(parse_zg(s).unwrap()), format!("{s} ZG"));
		}
	}

	#[test]
	fn wei_is_written_with_its_unit() {
		assert_eq!(parse_zg("5000wei"), Ok(5000));
		assert_eq!(parse_zg("100000000000000000000 wei"), Ok(100 * ZG));
		assert!(parse_zg("1.5wei").is_err());
		assert!(parse_zg("wei").is_err());
		assert_eq!("2.5".parse::<Amount>(), Ok(Amount(5 * ZG / 2)));
		assert_eq!(Amount(ZG).to_string(), "1 ZG");
	}
}
