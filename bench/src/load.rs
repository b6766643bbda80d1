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

/// Two loads measured in alternate rounds, so that both meet the machine
/// alike: on a shared machine one round may run a third slower than the
/// next for no reason of its own, which a figure measured once, minutes
/// after its baseline, reads as the suite's doing.
pub struct Alternated {
    /// The baseline's round of median rate.
    pub base: Stats,
    /// The measured load's round of median rate.
    pub measured: Stats,
    /// The median of the rounds' ratios, measured over baseline.
    pub ratio: Option<f64>,
}

/// Runs `base` then `measured`, `rounds` times (at least once).
pub async fn alternated<B, BF, M, MF, E>(rounds: usize, mut base: B, mut measured: M) -> Result<Alternated, E>
where
    B: FnMut() -> BF,
    BF: Future<Output = Result<Stats, E>>,
    M: FnMut() -> MF,
    MF: Future<Output = Result<Stats, E>>,
{
    let mut bases = Vec::with_capacity(rounds);
    let mut measureds = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        bases.push(base().await?);
        measureds.push(measured().await?);
    }
    let ratios: Vec<f64> = bases
        .iter()
        .zip(&measureds)
        .filter(|(b, _)| b.rate() > 0.0)
        .map(|(b, m)| m.rate() / b.rate())
        .collect();
    Ok(Alternated {
        ratio: (!ratios.is_empty()).then(|| middle(ratios)),
        base: median_round(bases),
        measured: median_round(measureds),
    })
}

/// Two timed calls measured in alternate rounds (as [`alternated`] does
/// for loads): the median time of each, and the median of the rounds'
/// ratios, measured over baseline.
pub struct AlternatedTimes<T> {
    pub base: Duration,
    pub measured: Duration,
    pub ratio: f64,
    /// The baseline's last result.
    pub base_result: T,
}

/// Times `base` then `measured`, `rounds` times (at least once).
pub async fn alternated_times<B, BF, T, M, MF, U, E>(
    rounds: usize,
    mut base: B,
    mut measured: M,
) -> Result<AlternatedTimes<T>, E>
where
    B: FnMut() -> BF,
    BF: Future<Output = Result<T, E>>,
    M: FnMut() -> MF,
    MF: Future<Output = Result<U, E>>,
{
    let (mut bases, mut measureds, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut round = async || -> Result<T, E> {
        let (b, result) = timed(base()).await?;
        let (m, _) = timed(measured()).await?;
        bases.push(b);
        measureds.push(m);
        if b > 0.0 {
            ratios.push(m / b);
        }
        Ok(result)
    };
    let mut base_result = round().await?;
    for _ in 1..rounds {
        base_result = round().await?;
    }
    Ok(AlternatedTimes {
        base: Duration::from_secs_f64(middle(bases)),
        measured: Duration::from_secs_f64(middle(measureds)),
        ratio: middle(ratios),
        base_result,
    })
}

/// How long `work` took, in seconds, and its result.
async fn timed<T, E>(work: impl Future<Output = Result<T, E>>) -> Result<(f64, T), E> {
    let began = Instant::now();
    let result = work.await?;
    Ok((began.elapsed().as_secs_f64(), result))
}

/// The middle of `values` (the upper middle of an even count).
fn middle(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The round of median rate.
fn median_round(mut rounds: Vec<Stats>) -> Stats {
    rounds.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
    let middle = rounds.len() / 2;
    rounds.swap_remove(middle)
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

    fn rounds_of(rates: &[u64]) -> std::vec::IntoIter<Stats> {
        rates
            .iter()
            .map(|&ok| Stats {
                ok,
                elapsed: Duration::from_secs(1),
                ..Stats::default()
            })
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[tokio::test]
    async fn alternated_rounds_give_median_rounds_and_the_median_ratio() {
        let mut base = rounds_of(&[100, 50, 200]);
        let mut measured = rounds_of(&[90, 60, 150]);
        let both = alternated::<_, _, _, _, ()>(
            3,
            || std::future::ready(Ok(base.next().unwrap_or_default())),
            || std::future::ready(Ok(measured.next().unwrap_or_default())),
        )
        .await
        .unwrap();
        assert_eq!(both.base.ok, 100);
        assert_eq!(both.measured.ok, 90);
        // Round ratios 0.9, 1.2 and 0.75: a slow round slows both sides.
        assert_eq!(both.ratio, Some(0.9));
    }

    #[tokio::test]
    async fn alternated_times_give_the_median_ratio_of_rounds() {
        let mut round = 0_u64;
        let both = alternated_times::<_, _, u64, _, _, (), ()>(
            3,
            || {
                round += 1;
                let n = round;
                async move {
                    tokio::time::sleep(Duration::from_millis(10 * n)).await;
                    Ok(n)
                }
            },
            || async {
                tokio::time::sleep(Duration::from_millis(40)).await;
                Ok(())
            },
        )
        .await
        .unwrap();
        assert_eq!(both.base_result, 3, "the baseline's last result");
        assert!(both.base >= Duration::from_millis(20) && both.base < Duration::from_millis(30));
        // Ratios about 4, 2 and 1.33: the middle one.
        assert!(both.ratio > 1.8 && both.ratio < 2.2, "{}", both.ratio);
    }
}
