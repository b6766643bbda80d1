//! Signing in, tokens and sessions.

use chrono::Duration;
use http::{Method, StatusCode};
use tonic::Code;
use tonic_types::StatusExt;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::{Claims, Role, TokenIssuer, load_or_create_signing_key};
use vanphong_proto::directory::v1::service_account_service_client::ServiceAccountServiceClient;
use vanphong_proto::directory::v1::{
    CreateServiceAccountRequest, IssueServiceAccountSecretRequest, IssueTokenRequest, RefreshRequest, SignInRequest,
    SignOutRequest, WhoAmIRequest,
};

use crate::helpers::{authed, spawn_app};

fn sign_in(username: &str, password: &str) -> SignInRequest {
    SignInRequest {
        username: username.into(),
        password: password.into(),
    }
}

#[tokio::test]
async fn sign_in_gives_tokens_that_identify_the_user() {
    let app = spawn_app().await;
    let clerk = app.username("hiephoa", Role::Clerk);
    let tokens = app
        .auth()
        .sign_in(sign_in(&clerk, DEMO_PASSWORD))
        .await
        .expect("signed in")
        .into_inner();
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    assert!(!tokens.refresh_token.is_empty());
    let me = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &tokens.access_token))
        .await
        .expect("who am i")
        .into_inner();
    assert_eq!(me.name, clerk);
    assert_eq!(me.full_name, "Nguyễn Thị Lan");
    assert_eq!(me.office_name, "Huyện ủy Hiệp Hòa");
    assert_eq!(me.office_id, app.office_id("hiephoa"));
    assert_eq!(me.roles, vec![Role::Clerk.to_wire()]);

    // The same over REST, with the username in any case.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/auth/sign-in",
            None,
            Some(serde_json::json!({"username": clerk.to_uppercase(), "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["accessToken"].as_str().expect("token");
    let (status, me, _) = app.rest(Method::GET, "/api/v1/auth/me", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["officeName"], "Huyện ủy Hiệp Hòa");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_refused_alike() {
    let app = spawn_app().await;
    let wrong = app
        .auth()
        .sign_in(sign_in(&app.username("tu", Role::Leader), "sai-mat-khau"))
        .await
        .expect_err("refused");
    let unknown = app
        .auth()
        .sign_in(sign_in("khong.ton.tai", DEMO_PASSWORD))
        .await
        .expect_err("refused");
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert_eq!(unknown.code(), Code::Unauthenticated);
    assert_eq!(wrong.message(), unknown.message(), "no hint which part was wrong");

    let (status, body, headers) = app
        .rest(
            Method::POST,
            "/api/v1/auth/sign-in",
            None,
            Some(serde_json::json!({"username": "tu.lanhdao", "password": "sai"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(headers["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_even_for_the_right_password() {
    let app = spawn_app().await;
    let user = app.username("vietyen", Role::Specialist);
    for _ in 0..5 {
        let e = app
            .auth()
            .sign_in(sign_in(&user, "doan-bua"))
            .await
            .expect_err("refused");
        assert_eq!(e.code(), Code::Unauthenticated);
    }
    // The sixth failure locks the username for a second, then two …
    let e = app
        .auth()
        .sign_in(sign_in(&user, "doan-bua"))
        .await
        .expect_err("refused");
    assert_eq!(e.code(), Code::Unauthenticated);
    let locked = app
        .auth()
        .sign_in(sign_in(&user, DEMO_PASSWORD))
        .await
        .expect_err("locked");
    assert_eq!(locked.code(), Code::ResourceExhausted, "{locked:?}");
    let retry = locked
        .get_error_details()
        .retry_info()
        .and_then(|r| r.retry_delay)
        .expect("retry delay");
    assert!(retry.as_secs() >= 1);

    let (status, body, headers) = app
        .rest(
            Method::POST,
            "/api/v1/auth/sign-in",
            None,
            Some(serde_json::json!({"username": user, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key("retry-after"));

    app.clock.advance(Duration::seconds(2));
    app.auth()
        .sign_in(sign_in(&user, DEMO_PASSWORD))
        .await
        .expect("allowed again after the wait");
}

#[tokio::test]
async fn expired_forged_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.token("hiephoa", Role::Clerk).await;
    app.auth()
        .who_am_i(authed(WhoAmIRequest {}, &token))
        .await
        .expect("fresh token works");

    // Forged: claims changed to make the clerk an admin, signature kept.
    let parts: Vec<&str> = token.split('.').collect();
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: serde_json::Value = serde_json::from_slice(&engine.decode(parts[1]).expect("b64")).expect("json");
    claims["roles"] = serde_json::json!(["admin"]);
    let forged = format!("{}.{}.{}", parts[0], engine.encode(claims.to_string()), parts[2]);
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &forged))
        .await
        .expect_err("forged");
    assert_eq!(e.code(), Code::Unauthenticated);
    assert!(e.message().contains("Chữ ký"), "{}", e.message());

    // Another deployment: a key this one never saw.
    let stranger = TokenIssuer::new(ed25519_key(7), "vanphong-other");
    let claims: Claims = serde_json::from_slice(&engine.decode(parts[1]).expect("b64")).expect("claims");
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &stranger.issue(claims.clone())))
        .await
        .expect_err("foreign");
    assert_eq!(e.code(), Code::Unauthenticated);

    // Our own key, but another deployment's name.
    let own_key = load_or_create_signing_key(&app.settings.signing_key_file).expect("key");
    let renamed = TokenIssuer::new(own_key, "vanphong-other").issue(claims);
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &renamed))
        .await
        .expect_err("other deployment");
    assert_eq!(e.code(), Code::Unauthenticated);
    assert!(e.message().contains("hệ thống khác"), "{}", e.message());

    // Garbage and a missing token.
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, "abc"))
        .await
        .expect_err("garbage");
    assert_eq!(e.code(), Code::Unauthenticated);
    let e = app.auth().who_am_i(WhoAmIRequest {}).await.expect_err("no token");
    assert_eq!(e.code(), Code::Unauthenticated);

    // Expiry: fifteen minutes later the token no longer works.
    app.clock.advance(Duration::minutes(16));
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &token))
        .await
        .expect_err("expired");
    assert_eq!(e.code(), Code::Unauthenticated);
    assert!(e.message().contains("hết hạn"), "{}", e.message());
    let (status, _, _) = app.rest(Method::GET, "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

fn ed25519_key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_session() {
    let app = spawn_app().await;
    let first = app
        .auth()
        .sign_in(sign_in(&app.username("yendung", Role::Leader), DEMO_PASSWORD))
        .await
        .expect("signed in")
        .into_inner();
    app.clock.advance(Duration::minutes(10));
    let second = app
        .auth()
        .refresh(RefreshRequest {
            refresh_token: first.refresh_token.clone(),
        })
        .await
        .expect("refreshed")
        .into_inner();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(
        second.refresh_expires_in,
        43_200 - 600,
        "the session does not grow by refreshing"
    );
    app.auth()
        .who_am_i(authed(WhoAmIRequest {}, &second.access_token))
        .await
        .expect("new token works");

    // The old refresh token again: someone copied it. The session ends.
    let e = app
        .auth()
        .refresh(RefreshRequest {
            refresh_token: first.refresh_token,
        })
        .await
        .expect_err("reuse");
    assert_eq!(e.code(), Code::Unauthenticated);
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &second.access_token))
        .await
        .expect_err("session revoked");
    assert_eq!(e.code(), Code::Unauthenticated);
    let e = app
        .auth()
        .refresh(RefreshRequest {
            refresh_token: second.refresh_token,
        })
        .await
        .expect_err("revoked session cannot refresh");
    assert_eq!(e.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn sign_out_revokes_the_token_everywhere() {
    let app = spawn_app().await;
    let user = app.username("bacly", Role::Clerk);
    let kept = app.token_for(&user).await;
    let token = app.token_for(&user).await;
    let out = app
        .auth()
        .sign_out(authed(SignOutRequest { everywhere: false }, &token))
        .await
        .expect("signed out")
        .into_inner();
    assert_eq!(out.revoked_sessions, 1);
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &token))
        .await
        .expect_err("revoked");
    assert_eq!(e.code(), Code::Unauthenticated);
    app.auth()
        .who_am_i(authed(WhoAmIRequest {}, &kept))
        .await
        .expect("the other session lives on");

    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/auth/sign-out",
            Some(&kept),
            Some(serde_json::json!({"everywhere": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let e = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &kept))
        .await
        .expect_err("all revoked");
    assert_eq!(e.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn service_accounts_get_tokens_with_client_credentials() {
    let app = spawn_app().await;
    let admin = app.token("hiephoa", Role::Admin).await;
    let mut accounts = ServiceAccountServiceClient::new(app.channel.clone());
    let account = accounts
        .create_service_account(authed(
            CreateServiceAccountRequest {
                request_id: "sa-1".into(),
                name: "Hệ thống quản lý văn bản huyện".into(),
                office_id: app.office_id("hiephoa"),
                roles: vec![Role::Clerk.to_wire()],
                clearance: 0,
            },
            &admin,
        ))
        .await
        .expect("created")
        .into_inner();
    assert!(!account.has_secret);
    let secret = accounts
        .issue_service_account_secret(authed(
            IssueServiceAccountSecretRequest {
                service_account_id: account.id.clone(),
            },
            &admin,
        ))
        .await
        .expect("secret")
        .into_inner();
    let tokens = app
        .auth()
        .issue_token(IssueTokenRequest {
            client_id: secret.client_id.clone(),
            client_secret: secret.client_secret.clone(),
        })
        .await
        .expect("token")
        .into_inner();
    assert!(tokens.refresh_token.is_empty());
    let me = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &tokens.access_token))
        .await
        .expect("who")
        .into_inner();
    assert!(me.service_account);
    assert_eq!(me.office_id, app.office_id("hiephoa"));

    let e = app
        .auth()
        .issue_token(IssueTokenRequest {
            client_id: secret.client_id.clone(),
            client_secret: "sai".into(),
        })
        .await
        .expect_err("wrong secret");
    assert_eq!(e.code(), Code::Unauthenticated);

    // A sibling district's admin may not touch the account.
    let other_admin = app.token("vietyen", Role::Admin).await;
    let e = accounts
        .issue_service_account_secret(authed(
            IssueServiceAccountSecretRequest {
                service_account_id: account.id,
            },
            &other_admin,
        ))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn one_persons_failures_do_not_lock_out_colleagues_behind_the_same_address() {
    let app = spawn_app().await;
    let careless = app.username("hiephoa", Role::Specialist);
    for attempt in 0..9 {
        if attempt > 0 {
            // Past the previous lock, so each try is really checked.
            app.clock.advance(Duration::seconds(20));
        }
        let refused = app
            .auth()
            .sign_in(sign_in(&careless, "sai-mat-khau"))
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
    }
    // Every test client signs in from 127.0.0.1, like an office behind one
    // address: the colleague is not held back, the careless account is.
    let colleague = app.username("hiephoa", Role::Clerk);
    app.auth()
        .sign_in(sign_in(&colleague, DEMO_PASSWORD))
        .await
        .expect("a colleague signs in");
    let locked = app
        .auth()
        .sign_in(sign_in(&careless, DEMO_PASSWORD))
        .await
        .expect_err("the account is locked");
    assert_eq!(locked.code(), Code::ResourceExhausted, "{locked:?}");
    assert!(locked.message().contains("giây"), "{}", locked.message());
}

#[tokio::test]
async fn an_address_that_fails_for_many_accounts_is_slowed_down() {
    let app = crate::helpers::spawn_app_with(|o| o.sign_in_free_failures_per_address = Some(8)).await;
    let accounts = [
        app.username("hiephoa", Role::Specialist),
        app.username("hiephoa", Role::Leader),
        app.username("hiephoa", Role::Accountant),
    ];
    for account in &accounts {
        for _ in 0..3 {
            let refused = app
                .auth()
                .sign_in(sign_in(account, "doan-mo"))
                .await
                .expect_err("refused");
            assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
        }
    }
    // Nine failures over three accounts, none of them locked on its own:
    // the address is, for everyone behind it.
    let locked = app
        .auth()
        .sign_in(sign_in(&app.username("vietyen", Role::Clerk), DEMO_PASSWORD))
        .await
        .expect_err("the address waits");
    assert_eq!(locked.code(), Code::ResourceExhausted, "{locked:?}");
}

#[tokio::test]
async fn failures_count_across_gateway_replicas() {
    let app = spawn_app().await;
    // A second gateway on the same directory database, as a replica.
    let mut settings = app.settings.clone();
    settings.listen = Some("127.0.0.1:0".parse().expect("addr"));
    let replica = vanphong::suite::start_one(
        "gateway",
        &settings,
        std::sync::Arc::new(app.clock.clone()),
        Default::default(),
    )
    .await
    .expect("replica starts");
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", replica.addr))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let mut other = vanphong_proto::directory::v1::auth_service_client::AuthServiceClient::new(channel);

    let user = app.username("yendung", Role::Leader);
    for attempt in 0..6 {
        let refused = if attempt % 2 == 0 {
            app.auth().sign_in(sign_in(&user, "doan-bua")).await
        } else {
            other.sign_in(sign_in(&user, "doan-bua")).await
        }
        .expect_err("refused");
        assert_eq!(refused.code(), Code::Unauthenticated, "attempt {attempt}: {refused:?}");
    }
    // Six failures spread over two replicas lock the account on both.
    for client in [&mut app.auth(), &mut other] {
        let locked = client.sign_in(sign_in(&user, DEMO_PASSWORD)).await.expect_err("locked");
        assert_eq!(locked.code(), Code::ResourceExhausted, "{locked:?}");
    }
    replica.stop().await.expect("replica stops");
}
