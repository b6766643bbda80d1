//! A closed-loop load: N clients each sending its next call as soon as the
//! last one answered, for a fixed time; throughput and latency percentiles.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one load run measured.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// Latencies of the successful calls, sorted.
    latencies: Vec<Duration>,
    /// The first failure seen, to show why.
    pub first_error: Option<String>,
}

impl Stats {
    /// Successful calls per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.ok as f64 / secs } else { 0.0 }
    }

    /// The latency below which `q` (0..1) of the calls answered.
    pub fn percentile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)]
    }
}

/// Runs `clients` loops of `call(client, sequence)` for `length`; a call's
/// `Err` counts as a failure (with its message kept once).
pub async fn run<F, Fut>(clients: usize, length: Duration, call: F) -> Stats
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let call = Arc::new(call);
    let start = Instant::now();
    let deadline = start + length;
    let mut tasks = Vec::with_capacity(clients);
    for client in 0..clients {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut sequence = 0;
            while Instant::now() < deadline {
                let began = Instant::now();
                match call(client, sequence).await {
                    Ok(()) => {
                        stats.ok += 1;
                        stats.latencies.push(began.elapsed());
                    }
                    Err(e) => {
                        stats.failed += 1;
                        stats.first_error.get_or_insert(e);
                    }
                }
                sequence += 1;
            }
            stats
        }));
    }
    let mut total = Stats::default();
    for task in tasks {
        match task.await {
            Ok(stats) => {
                total.ok += stats.ok;
                total.failed += stats.failed;
                total.latencies.extend(stats.latencies);
                if total.first_error.is_none() {
                    total.first_error = stats.first_error;
                }
            }
            Err(e) => {
                total.failed += 1;
                total.first_error.get_or_insert(format!("a client panicked: {e}"));
            }
        }
    }
    total.elapsed = start.elapsed();
    total.latencies.sort_unstable();
    total
}

/// Times `work` `times` times (at least once); the median time and the
/// last result.
pub async fn median<F, Fut, T, E>(times: usize, mut work: F) -> Result<(Duration, T), E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let began = Instant::now();
    let mut last = work().await?;
    let mut samples = vec![began.elapsed()];
    for _ in 1..times {
        let began = Instant::now();
        last = work().await?;
        samples.push(began.elapsed());
    }
    samples.sort_unstable();
    Ok((samples[samples.len() / 2], last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_calls_and_failures() {
        let stats = run(2, Duration::from_millis(50), |_, n| async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            if n == 0 { Err("first".to_string()) } else { Ok(()) }
        })
        .await;
        assert_eq!(stats.failed, 2, "each client's first call fails");
        assert!(stats.ok > 4, "calls kept coming: {}", stats.ok);
        assert!(stats.percentile(0.5) >= Duration::from_millis(1));
        assert!(stats.percentile(0.99) >= stats.percentile(0.5));
        assert_eq!(stats.first_error.as_deref(), Some("first"));
    }
}
