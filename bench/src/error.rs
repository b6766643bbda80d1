//! Why a benchmark run stopped.

/// A step of the run that could not be done; the run stops and says which.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Starting the suite, a floor's server or a database failed.
    #[error("{what}: {message}")]
    Setup { what: &'static str, message: String },
    /// A call the measurement depends on failed (not one of the measured
    /// calls, whose failures are counted).
    #[error("{what}: {status}")]
    Call { what: &'static str, status: tonic::Status },
    /// A database statement of a floor failed.
    #[error("{what}: {source}")]
    Sql {
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// A check of the suite's results failed (numbering, stored rows).
    #[error("check failed: {0}")]
    Check(String),
}

impl BenchError {
    pub fn setup(what: &'static str, message: impl std::fmt::Display) -> Self {
        BenchError::Setup {
            what,
            message: message.to_string(),
        }
    }

    pub fn sql(what: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |source| BenchError::Sql { what, source }
    }

    pub fn call(what: &'static str) -> impl FnOnce(tonic::Status) -> Self {
        move |status| BenchError::Call { what, status }
    }
}
