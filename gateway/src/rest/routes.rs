//! The REST route table, read from the `vanphong.api.v1.http` option of
//! every RPC in the compiled descriptors.

use http::Method;
use prost_reflect::{DescriptorPool, MethodDescriptor, Value};

use vanphong_proto::api::v1::HttpRoute;
use vanphong_proto::api::v1::http_route::Pattern;

/// One REST route and the RPC behind it.
#[derive(Debug, Clone)]
pub struct RestRoute {
    pub http_method: Method,
    /// Path template, e.g. `/api/v1/directory/offices/{office_id}`.
    pub template: String,
    pub method: MethodDescriptor,
    /// Whether request fields come from a JSON body (else the query string).
    pub body: bool,
    /// Whether the route needs no bearer token.
    pub public: bool,
}

impl RestRoute {
    /// The names of the path parameters, in order.
    pub fn path_params(&self) -> Vec<&str> {
        self.template
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    /// Matches a request path against the template; the parameter values,
    /// percent-decoded, if it fits.
    pub fn match_path(&self, path: &str) -> Option<Vec<(String, String)>> {
        let template: Vec<&str> = self.template.trim_end_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        if template.len() != actual.len() {
            return None;
        }
        let mut params = Vec::new();
        for (t, a) in template.iter().zip(actual.iter()) {
            match t.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let value = percent_decode(a)?;
                    params.push((name.to_string(), value));
                }
                None if t == a => {}
                None => return None,
            }
        }
        Some(params)
    }

    /// `/package.Service/Method`.
    pub fn grpc_path(&self) -> String {
        format!("/{}/{}", self.method.parent_service().full_name(), self.method.name())
    }

    /// The proto package of the RPC, which decides where it is served.
    pub fn package(&self) -> String {
        self.method.parent_service().parent_file().package_name().to_string()
    }
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Every annotated RPC of the pool, in a stable order.
pub fn routes(pool: &DescriptorPool) -> Result<Vec<RestRoute>, String> {
    let extension = pool
        .get_extension_by_name("vanphong.api.v1.http")
        .ok_or("the descriptors lack the vanphong.api.v1.http option")?;
    let mut out = Vec::new();
    for service in pool.services() {
        for method in service.methods() {
            let options = method.options();
            if !options.has_extension(&extension) {
                continue;
            }
            let Value::Message(rule) = options.get_extension(&extension).into_owned() else {
                continue;
            };
            let rule: HttpRoute = rule
                .transcode_to()
                .map_err(|e| format!("{}: bad http option: {e}", method.full_name()))?;
            let (http_method, template) = match rule.pattern {
                Some(Pattern::Get(p)) => (Method::GET, p),
                Some(Pattern::Post(p)) => (Method::POST, p),
                Some(Pattern::Put(p)) => (Method::PUT, p),
                Some(Pattern::Patch(p)) => (Method::PATCH, p),
                Some(Pattern::Delete(p)) => (Method::DELETE, p),
                None => return Err(format!("{}: http option without a path", method.full_name())),
            };
            let route = RestRoute {
                http_method,
                template,
                body: rule.body == "*",
                public: rule.public,
                method: method.clone(),
            };
            for param in route.path_params() {
                if method.input().get_field_by_name(param).is_none() {
                    return Err(format!(
                        "{}: path parameter {param} is not a request field",
                        method.full_name()
                    ));
                }
            }
            out.push(route);
        }
    }
    out.sort_by(|a, b| {
        a.template
            .cmp(&b.template)
            .then(a.http_method.as_str().cmp(b.http_method.as_str()))
    });
    Ok(out)
}
