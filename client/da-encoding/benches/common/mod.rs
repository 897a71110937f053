//! What the DA encoding benches share.

/// A field of `/proc/self/status` in KiB (`VmRSS`: now, `VmHWM`: the peak); 0 where it
/// cannot be read.
pub fn status_kib(field: &str) -> u64 {
	std::fs::read_to_string("/proc/self/status")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with(field))
				.map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0))
		})
		.unwrap_or(0)
}
