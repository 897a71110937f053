//! Token amounts as people write them: whole ZG with up to 18 decimals (`1.5`, `0.001`).

/// Decimals of ZG (one ZG is 10^18 of the smallest unit, as one ether is 10^18 wei).
pub const DECIMALS: u32 = 18;
/// One ZG in the smallest unit.
pub const ZG: u128 = 10u128.pow(DECIMALS);

/// Parses `1.5` into the smallest unit.
pub fn parse_zg(s: &str) -> Result<u128, String> {
	let bad = |why: &str| format!("amount {s:?}: {why} (write whole ZG, e.g. 10 or 1.5)");
	let s = s.trim();
	let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
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

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_and_formats_decimal_amounts() {
		assert_eq!(parse_zg("1.5"), Ok(1_500_000_000_000_000_000));
		assert_eq!(parse_zg("10"), Ok(10 * ZG));
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
}
