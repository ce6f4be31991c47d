//! The venue's endpoints, one method each: public market data, API keys (L1), orders and
//! cancels, our open orders and trades, balance, heartbeat (L2), and the Gamma and Data API
//! listings. Each builds its call and hands it to the client's limiter, signer and retries.

use awc::http::Method;
use serde::de::DeserializeOwned;

use super::types::{
    ApiKeyResponse, BalanceAllowance, CancelResponse, ClobMarket, HeartbeatResponse, OpenOrder,
    OrderBookSummary, Page, Position, PostOrderResponse, Trade,
};
use super::{Auth, Call, ClientError, ClobClient, END_CURSOR, FIRST_CURSOR, public_get, types};
use crate::domain::{Address, ConditionId, OrderId, TokenId};
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::body;
use crate::polymarket::order::SignedOrder;
use crate::polymarket::ratelimit::Endpoint;
use crate::secret::Secret;

impl ClobClient {
    /// `GET /time`: the venue's clock, seconds.
    pub async fn server_time(&self) -> Result<u64, ClientError> {
        self.json(self.clob_call(Method::GET, "/time".into(), Auth::None, Endpoint::Markets)).await
    }

    /// `GET /book`.
    pub async fn book(&self, token: &TokenId) -> Result<OrderBookSummary, ClientError> {
        self.json(self.clob_call(Method::GET, format!("/book?token_id={token}"), Auth::None, Endpoint::Book))
            .await
    }

    /// `POST /books` (many books in one call).
    pub async fn books(&self, tokens: &[TokenId]) -> Result<Vec<OrderBookSummary>, ClientError> {
        let body: Vec<serde_json::Value> =
            tokens.iter().map(|t| serde_json::json!({"token_id": t.as_str()})).collect();
        let mut call = self.clob_call(Method::POST, "/books".into(), Auth::None, Endpoint::Books);
        call.body = Some(serde_json::Value::Array(body).to_string());
        self.json(call).await
    }

    /// `GET /tick-size`.
    pub async fn tick_size(&self, token: &TokenId) -> Result<rust_decimal::Decimal, ClientError> {
        #[derive(serde::Deserialize)]
        struct Tick {
            #[serde(deserialize_with = "types::flex_decimal")]
            minimum_tick_size: rust_decimal::Decimal,
        }
        let call = self.clob_call(
            Method::GET,
            format!("/tick-size?token_id={token}"),
            Auth::None,
            Endpoint::Markets,
        );
        Ok(self.json::<Tick>(call).await?.minimum_tick_size)
    }

    /// `GET /neg-risk`.
    pub async fn neg_risk(&self, token: &TokenId) -> Result<bool, ClientError> {
        #[derive(serde::Deserialize)]
        struct NegRisk {
            neg_risk: bool,
        }
        let call =
            self.clob_call(Method::GET, format!("/neg-risk?token_id={token}"), Auth::None, Endpoint::Markets);
        Ok(self.json::<NegRisk>(call).await?.neg_risk)
    }

    /// `GET /markets/{condition_id}`.
    pub async fn market(&self, condition: &ConditionId) -> Result<ClobMarket, ClientError> {
        self.json(self.clob_call(Method::GET, format!("/markets/{condition}"), Auth::None, Endpoint::Markets))
            .await
    }

    /// Every page of `GET /markets`.
    pub async fn markets(&self) -> Result<Vec<ClobMarket>, ClientError> {
        self.pages(|cursor| format!("/markets?next_cursor={cursor}"), Auth::None, Endpoint::Markets).await
    }

    /// Follows `next_cursor` from the first page to the end.
    async fn pages<T: DeserializeOwned>(
        &self,
        path: impl Fn(&str) -> String,
        auth: Auth,
        endpoint: Endpoint,
    ) -> Result<Vec<T>, ClientError> {
        let mut cursor = FIRST_CURSOR.to_owned();
        let mut out = Vec::new();
        while cursor != END_CURSOR {
            let page: Page<T> = self.json(self.clob_call(Method::GET, path(&cursor), auth, endpoint)).await?;
            out.extend(page.data);
            if page.next_cursor == cursor {
                break;
            }
            cursor = page.next_cursor;
        }
        Ok(out)
    }

    /// `POST /auth/api-key`, falling back to `GET /auth/derive-api-key` (create-or-derive).
    pub async fn create_or_derive_api_key(&self, nonce: u64) -> Result<ApiCreds, ClientError> {
        let create =
            self.clob_call(Method::POST, "/auth/api-key".into(), Auth::L1 { nonce }, Endpoint::ApiKey);
        let response: ApiKeyResponse = match self.json(create).await {
            Ok(created) => created,
            Err(_) => {
                let derive = self.clob_call(
                    Method::GET,
                    "/auth/derive-api-key".into(),
                    Auth::L1 { nonce },
                    Endpoint::ApiKey,
                );
                self.json(derive).await?
            }
        };
        Ok(ApiCreds {
            api_key: response.api_key,
            secret: Secret::new(response.secret),
            passphrase: Secret::new(response.passphrase),
        })
    }

    /// `GET /auth/api-keys` (L2): the account's API keys; a cheap authenticated read that
    /// proves the credentials.
    pub async fn api_keys(&self) -> Result<serde_json::Value, ClientError> {
        self.json(self.clob_call(Method::GET, "/auth/api-keys".into(), Auth::L2, Endpoint::ApiKey)).await
    }

    fn owner(&self) -> Result<&str, ClientError> {
        self.creds
            .as_ref()
            .map(|c| c.api_key.as_str())
            .ok_or(ClientError::NotConfigured("orders need API credentials"))
    }

    fn check_post_only(&self, orders: &[SignedOrder]) -> Result<(), ClientError> {
        if self.post_only_required() && orders.iter().any(|o| !o.post_only) {
            return Err(ClientError::Refused {
                status: 425,
                message: "the venue restarted recently: only post-only orders are sent for now".into(),
            });
        }
        Ok(())
    }

    /// `POST /order`.
    pub async fn post_order(&self, order: &SignedOrder) -> Result<PostOrderResponse, ClientError> {
        self.check_post_only(std::slice::from_ref(order))?;
        let mut call = self.clob_call(Method::POST, "/order".into(), Auth::L2, Endpoint::Order);
        call.body = Some(body::order_body(order, self.owner()?));
        self.json(call).await
    }

    /// `POST /orders` (at most 15; one rate-limit token per order).
    pub async fn post_orders(&self, orders: &[SignedOrder]) -> Result<Vec<PostOrderResponse>, ClientError> {
        self.check_post_only(orders)?;
        let mut call = self.clob_call(Method::POST, "/orders".into(), Auth::L2, Endpoint::OrderBatch);
        call.body = Some(body::batch_body(orders, self.owner()?));
        call.cost = u32::try_from(orders.len()).unwrap_or(u32::MAX);
        self.json(call).await
    }

    /// `DELETE /order`.
    pub async fn cancel(&self, id: &OrderId) -> Result<CancelResponse, ClientError> {
        let mut call = self.clob_call(Method::DELETE, "/order".into(), Auth::L2, Endpoint::Cancel);
        call.body = Some(body::cancel_body(id));
        self.json(call).await
    }

    /// `DELETE /orders`.
    pub async fn cancel_many(&self, ids: &[OrderId]) -> Result<CancelResponse, ClientError> {
        let mut call = self.clob_call(Method::DELETE, "/orders".into(), Auth::L2, Endpoint::CancelBatch);
        call.body = Some(body::cancel_many_body(ids));
        call.cost = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        self.json(call).await
    }

    /// `DELETE /cancel-all`.
    pub async fn cancel_all(&self) -> Result<CancelResponse, ClientError> {
        self.json(self.clob_call(Method::DELETE, "/cancel-all".into(), Auth::L2, Endpoint::CancelAll)).await
    }

    /// `DELETE /cancel-market-orders`.
    pub async fn cancel_market(
        &self,
        market: Option<&ConditionId>,
        asset: Option<&TokenId>,
    ) -> Result<CancelResponse, ClientError> {
        let mut call =
            self.clob_call(Method::DELETE, "/cancel-market-orders".into(), Auth::L2, Endpoint::CancelMarket);
        call.body = Some(body::cancel_market_body(market, asset));
        self.json(call).await
    }

    /// Every open order, optionally of one market.
    pub async fn open_orders(&self, market: Option<&ConditionId>) -> Result<Vec<OpenOrder>, ClientError> {
        let filter = market.map(|m| format!("market={m}&")).unwrap_or_default();
        self.pages(|cursor| format!("/data/orders?{filter}next_cursor={cursor}"), Auth::L2, Endpoint::Data)
            .await
    }

    /// `GET /data/order/{id}`.
    pub async fn order(&self, id: &OrderId) -> Result<OpenOrder, ClientError> {
        self.json(self.clob_call(Method::GET, format!("/data/order/{id}"), Auth::L2, Endpoint::Data)).await
    }

    /// Every trade, optionally of one market and after a time (seconds).
    pub async fn trades(
        &self,
        market: Option<&ConditionId>,
        after_secs: Option<u64>,
    ) -> Result<Vec<Trade>, ClientError> {
        let mut filter = market.map(|m| format!("market={m}&")).unwrap_or_default();
        if let Some(after) = after_secs {
            filter.push_str(&format!("after={after}&"));
        }
        self.pages(|cursor| format!("/data/trades?{filter}next_cursor={cursor}"), Auth::L2, Endpoint::Data)
            .await
    }

    /// `GET /balance-allowance`: pUSD (no token) or one token's shares, in base units.
    pub async fn balance(&self, token: Option<&TokenId>) -> Result<BalanceAllowance, ClientError> {
        let signature_type = self.signer.as_ref().map_or(0, |s| s.signature_type().as_u8());
        let path = match token {
            None => format!("/balance-allowance?asset_type=COLLATERAL&signature_type={signature_type}"),
            Some(t) => format!(
                "/balance-allowance?asset_type=CONDITIONAL&token_id={t}&signature_type={signature_type}"
            ),
        };
        self.json(self.clob_call(Method::GET, path, Auth::L2, Endpoint::Balance)).await
    }

    /// `POST /v1/heartbeats`; `previous` is `""` to start a chain.
    pub async fn heartbeat(&self, previous: &str) -> Result<String, ClientError> {
        let mut call = self.clob_call(Method::POST, "/v1/heartbeats".into(), Auth::L2, Endpoint::Heartbeat);
        call.body = Some(body::heartbeat_body(previous));
        Ok(self.json::<HeartbeatResponse>(call).await?.heartbeat_id)
    }

    /// Gamma `GET /markets` with raw query parameters (e.g. `active=true&limit=100`).
    pub async fn gamma_markets(&self, query: &str) -> Result<Vec<serde_json::Value>, ClientError> {
        self.json(self.gamma_call(format!("/markets?{query}"))).await
    }

    /// Gamma `GET /events` with raw query parameters.
    pub async fn gamma_events(&self, query: &str) -> Result<Vec<serde_json::Value>, ClientError> {
        self.json(self.gamma_call(format!("/events?{query}"))).await
    }

    /// Every position of `user` (the funder) of at least `min_size` shares, from the Data
    /// API, page by page (500 a page; the venue serves 10,500 at most). `None` when no Data
    /// API is configured.
    pub async fn positions(
        &self,
        user: &Address,
        min_size: rust_decimal::Decimal,
    ) -> Option<Result<Vec<Position>, ClientError>> {
        const PAGE: usize = 500;
        const LAST_OFFSET: usize = 10_000;
        let base = self.data_api.as_deref()?;
        let mut all = Vec::new();
        let user = user.to_string().to_ascii_lowercase();
        for offset in (0..=LAST_OFFSET).step_by(PAGE) {
            let path_and_query =
                format!("/positions?user={user}&sizeThreshold={min_size}&limit={PAGE}&offset={offset}");
            let page: Vec<Position> = match self.json(public_get(base, path_and_query)).await {
                Ok(page) => page,
                Err(error) => return Some(Err(error)),
            };
            let done = page.len() < PAGE;
            all.extend(page);
            if done {
                break;
            }
        }
        Some(Ok(all))
    }

    fn gamma_call(&self, path_and_query: String) -> Call<'_> {
        public_get(&self.gamma, path_and_query)
    }
}
