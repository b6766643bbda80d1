//! The one list of the suite's backend services.
//!
//! Everything that names the services one by one is built from
//! [`suite_services!`](crate::suite_services): the settings (each service's
//! `--<name>-url` flag, `VANPHONG_<NAME>_URL` variable and `<name>-url`
//! file key, in [`crate::config`]), and in the `vanphong` command the
//! all-in-one `serve`, `serve <name>`, `migrate`, `audit` and the gateway's
//! routes to the backends, which the tests start the same way. Adding a
//! service is a new crate (with `backend!`) plus one line here (and its
//! deployment files). The deployment check (`deploy/tools/check_deploy.py`,
//! run by `.ci/validate-deploy`) reads the same list from this file's text:
//! keep one service per line, in the form documented below.
//!
//! The list names the service crates' types as tokens only: this crate
//! never resolves them (the service crates depend on it); the `vanphong`
//! command, which depends on every service crate, does.

/// Hands the list of backend services to the macro `$callback`, one entry
/// per service:
///
/// `name: crate::Backend, default port, settings field = "ENVIRONMENT_VARIABLE";`
///
/// - `name`: the service's name (`serve <name>`, its database or schema, its
///   proto package `vanphong.<name>.v1`, its audit chain);
/// - `crate::Backend`: the type its crate declares with `backend!`;
/// - the port it listens on when run alone (`127.0.0.1:<port>`);
/// - the setting telling the others where it runs when it is a process of
///   its own: the field of [`crate::config::Options`] and its environment
///   variable (the flag and the file key are the field's name in kebab
///   case).
#[macro_export]
macro_rules! suite_services {
    ($callback:ident) => {
        $callback! {
            documents: vanphong_documents::Documents, 50061, documents_url = "VANPHONG_DOCUMENTS_URL";
            petitions: vanphong_petitions::Petitions, 50062, petitions_url = "VANPHONG_PETITIONS_URL";
            finance: vanphong_finance::Finance, 50063, finance_url = "VANPHONG_FINANCE_URL";
            reporting: vanphong_reporting::Reporting, 50064, reporting_url = "VANPHONG_REPORTING_URL";
        }
    };
}
