//! Signing and sending, where orders leave the daemon: a placement approved by the risk desk
//! is signed here (finishing a presignature, or RFC 6979 when the stock is empty) and its
//! request started, or refused before signing when the account's order budget is spent;
//! cancels go out the same way. Each request runs as its own task on the actors' thread and
//! its answer goes to the market that asked; in paper mode the paper account answers at once.
//! It keeps the frame-in → signed-order-out latency histogram.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use actix::Recipient;

use super::paper_link::PaperLink;
use super::presignatures::{DEFAULT_STOCK, PresignatureSupply};
use crate::clock::Clock;
use crate::domain::{OrderId, TickSize};
use crate::error::{HasSeverity, Severity};
use crate::killswitch::messages::{ErrorDuring, ErrorSeen};
use crate::market::messages::{CancelAnswered, PlaceRefused, Placed};
use crate::polymarket::client::{ClientError, ClobClient};
use crate::polymarket::{ExchangeTarget, OrderSigner, OrderSpec, OrderStamp};
use crate::risk::{Approved, OrderRequest};
use crate::telemetry::hops::{HopLatency, HopStamps};

/// Where orders go.
#[derive(Clone)]
pub enum Backend {
    /// The venue, over REST.
    Venue(Rc<ClobClient>),
    /// The local paper account.
    Paper(PaperLink),
}

/// An approved order to sign and place.
pub struct Placement {
    /// The market's correlation key.
    pub key: u64,
    /// The order.
    pub order: Approved<OrderRequest>,
    /// Tick size of its market.
    pub tick: TickSize,
    /// Neg-risk market (signs for the neg-risk exchange).
    pub neg_risk: bool,
    /// Who to tell.
    pub reply: Recipient<Placed>,
    /// When the event behind it passed each stage (hop latency).
    pub origin: Option<HopStamps>,
}

/// Signs and sends; owned by the actors' thread.
pub struct OrderSender {
    backend: Backend,
    signer: OrderSigner,
    clock: Arc<dyn Clock>,
    errors: Option<Recipient<ErrorSeen>>,
    hops: HopLatency,
    presignatures: Option<PresignatureSupply>,
}

impl OrderSender {
    /// Orders to the venue through `client`, signed with `signer`.
    pub fn venue(client: Rc<ClobClient>, signer: OrderSigner, clock: Arc<dyn Clock>) -> Self {
        Self::with_backend(Backend::Venue(client), signer, clock)
    }

    /// Orders to the paper account behind `paper`; still signed (by a key that never reaches
    /// a venue), so ids and the measured path are those of live.
    pub fn paper(paper: PaperLink, signer: OrderSigner, clock: Arc<dyn Clock>) -> Self {
        Self::with_backend(Backend::Paper(paper), signer, clock)
    }

    fn with_backend(backend: Backend, signer: OrderSigner, clock: Arc<dyn Clock>) -> Self {
        Self {
            backend,
            signer,
            clock,
            errors: None,
            hops: HopLatency::default(),
            presignatures: PresignatureSupply::start(DEFAULT_STOCK),
        }
    }

    /// The same sender reporting failed requests (not the venue's refusals of an order) to
    /// `errors`, which counts them towards an error burst.
    pub fn reporting_errors(mut self, errors: Recipient<ErrorSeen>) -> Self {
        self.errors = Some(errors);
        self
    }

    /// Where orders go.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The signer (its maker address names the account).
    pub fn signer(&self) -> &OrderSigner {
        &self.signer
    }

    /// The hop-latency histograms; `restart` clears them after reading.
    pub fn latency(&mut self, restart: bool) -> crate::telemetry::hops::HopReport {
        let report = self.hops.report();
        if restart {
            self.hops = HopLatency::default();
        }
        report
    }

    /// Signs `placement` and starts its request; the answer goes to its market.
    pub fn place(&mut self, placement: Placement) {
        let Placement { key, order, tick, neg_risk, reply, origin } = placement;
        if let Backend::Venue(client) = &self.backend
            && let Some(wait) = client.order_budget_spent()
        {
            reply.do_send(Placed {
                key,
                id: None,
                error: Some(PlaceRefused::Request(ClientError::QueueTooLong(wait))),
            });
            return;
        }
        let request = order.into_inner();
        let mut spec =
            OrderSpec::limit(request.token.clone(), request.side, request.price, request.size, tick);
        spec.post_only = true;
        spec.exchange = if neg_risk { ExchangeTarget::V2_NEG_RISK } else { ExchangeTarget::V2 };
        let stamp = OrderStamp::random(self.clock.now().0);
        let signed = match self.presignatures.as_ref().and_then(PresignatureSupply::take) {
            Some(presignature) => self.signer.sign_presigned(&spec, stamp, presignature),
            None => self.signer.sign(&spec, stamp),
        };
        let signed = match signed {
            Ok(signed) => signed,
            Err(error) => {
                reply.do_send(Placed { key, id: None, error: Some(PlaceRefused::Signing(error)) });
                return;
            }
        };
        if let Some(origin) = &origin {
            self.hops.record(origin, Instant::now());
        }
        let client = match &self.backend {
            Backend::Venue(client) => client.clone(),
            Backend::Paper(paper) => {
                let error =
                    paper.with(|venue| venue.place(signed.id, &request)).err().map(PlaceRefused::Paper);
                let id = error.is_none().then_some(signed.id);
                reply.do_send(Placed { key, id, error });
                return;
            }
        };
        let errors = self.errors.clone();
        actix_rt::spawn(async move {
            let placed = match client.post_order(&signed).await {
                Ok(response) if response.success => Placed { key, id: Some(signed.id), error: None },
                Ok(response) => {
                    Placed { key, id: None, error: Some(PlaceRefused::Venue(response.error_msg)) }
                }
                Err(error) => {
                    report(errors.as_ref(), &error);
                    Placed { key, id: None, error: Some(PlaceRefused::Request(error)) }
                }
            };
            reply.do_send(placed);
        });
    }

    /// Cancels `ids`; the venue's answer goes to `reply`.
    pub fn cancel(&self, ids: Vec<OrderId>, reply: Recipient<CancelAnswered>) {
        let client = match &self.backend {
            Backend::Venue(client) => client.clone(),
            Backend::Paper(paper) => {
                let (cancelled, refused) = paper.with(|venue| venue.cancel(&ids));
                reply.do_send(CancelAnswered { cancelled, refused, failed: false });
                return;
            }
        };
        let errors = self.errors.clone();
        actix_rt::spawn(async move {
            let answer = match client.cancel_many(&ids).await {
                Ok(response) => CancelAnswered {
                    cancelled: response.canceled.iter().filter_map(|id| id.parse().ok()).collect(),
                    refused: response.not_canceled.keys().filter_map(|id| id.parse().ok()).collect(),
                    failed: false,
                },
                Err(error) => {
                    tracing::warn!(%error, orders = ids.len(), "cancel failed");
                    report(errors.as_ref(), &error);
                    CancelAnswered { failed: true, ..CancelAnswered::default() }
                }
            };
            reply.do_send(answer);
        });
    }
}

/// Reports a failed request unless it is a refusal of the order itself.
fn report(errors: Option<&Recipient<ErrorSeen>>, error: &ClientError) {
    if error.severity() != Severity::Reject
        && let Some(errors) = errors
    {
        errors.do_send(ErrorSeen { during: ErrorDuring::PlacingOrder, error: error.clone() });
    }
}
