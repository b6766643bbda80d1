//! The channels to the services, and the calls the console makes for a
//! browser's request: the person's token, the request's id, what remains
//! of its deadline and the client's address, as the REST routes send them.

use std::convert::Infallible;

use tower::util::BoxCloneSyncService;

use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::directory::v1::office_service_client::OfficeServiceClient;
use vanphong_proto::directory::v1::reorganisation_service_client::ReorganisationServiceClient;
use vanphong_proto::directory::v1::service_account_service_client::ServiceAccountServiceClient;
use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::documents::v1::attachment_service_client::AttachmentServiceClient;
use vanphong_proto::documents::v1::catalog_service_client::CatalogServiceClient;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;
use vanphong_proto::documents::v1::edxml_service_client::EdxmlServiceClient;
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::notification_service_client::NotificationServiceClient;
use vanphong_proto::documents::v1::outgoing_service_client::OutgoingServiceClient;
use vanphong_proto::documents::v1::register_service_client::RegisterServiceClient;
use vanphong_proto::finance::v1::budget_line_service_client::BudgetLineServiceClient;
use vanphong_proto::finance::v1::budget_service_client::BudgetServiceClient;
use vanphong_proto::finance::v1::dues_service_client::DuesServiceClient;
use vanphong_proto::finance::v1::export_service_client::ExportServiceClient as FinanceExportServiceClient;
use vanphong_proto::finance::v1::fiscal_year_service_client::FiscalYearServiceClient;
use vanphong_proto::finance::v1::ledger_service_client::LedgerServiceClient;
use vanphong_proto::finance::v1::spending_service_client::SpendingServiceClient;
use vanphong_proto::petitions::v1::notification_service_client::NotificationServiceClient as PetitionNoticesClient;
use vanphong_proto::petitions::v1::petition_catalog_service_client::PetitionCatalogServiceClient;
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::reception_service_client::ReceptionServiceClient;
use vanphong_proto::reporting::v1::approval_service_client::ApprovalServiceClient;
use vanphong_proto::reporting::v1::export_service_client::ExportServiceClient as ReportExportServiceClient;
use vanphong_proto::reporting::v1::notification_service_client::NotificationServiceClient as ReportNoticesClient;
use vanphong_proto::reporting::v1::period_service_client::PeriodServiceClient;
use vanphong_proto::reporting::v1::report_service_client::ReportServiceClient;

use crate::errors::ConsoleError;

/// A gRPC channel to one service, whatever is behind it (this process or
/// a balanced, retrying channel to other processes). Failures come back as
/// gRPC statuses in the response, never as the service's error.
pub type GrpcChannel =
    BoxCloneSyncService<http::Request<tonic::body::Body>, http::Response<tonic::body::Body>, Infallible>;

/// The services the console calls. Every call is built whole by
/// [`crate::pages::Ctx::call`].
#[derive(Clone)]
pub struct Services {
    /// Sign-in, sessions, people (`vanphong.directory.v1`).
    pub directory: GrpcChannel,
    /// Documents (`vanphong.documents.v1`), when this gateway has them.
    pub documents: Option<GrpcChannel>,
    /// Petitions (`vanphong.petitions.v1`), when this gateway has them.
    pub petitions: Option<GrpcChannel>,
    /// Reports (`vanphong.reporting.v1`), when this gateway has them.
    pub reporting: Option<GrpcChannel>,
    /// Finance (`vanphong.finance.v1`), when this gateway has it.
    pub finance: Option<GrpcChannel>,
}

impl Services {
    pub fn auth(&self) -> AuthServiceClient<GrpcChannel> {
        AuthServiceClient::new(self.directory.clone())
    }

    pub fn offices(&self) -> OfficeServiceClient<GrpcChannel> {
        OfficeServiceClient::new(self.directory.clone())
    }

    pub fn reorganisation(&self) -> ReorganisationServiceClient<GrpcChannel> {
        ReorganisationServiceClient::new(self.directory.clone())
    }

    pub fn users(&self) -> UserServiceClient<GrpcChannel> {
        UserServiceClient::new(self.directory.clone())
    }

    pub fn service_accounts(&self) -> ServiceAccountServiceClient<GrpcChannel> {
        ServiceAccountServiceClient::new(self.directory.clone())
    }

    fn documents_channel(&self) -> Result<GrpcChannel, ConsoleError> {
        self.documents.clone().ok_or(ConsoleError::NotConfigured("văn bản"))
    }

    pub fn queries(&self) -> Result<DocumentQueryServiceClient<GrpcChannel>, ConsoleError> {
        Ok(DocumentQueryServiceClient::new(self.documents_channel()?))
    }

    pub fn incoming(&self) -> Result<IncomingServiceClient<GrpcChannel>, ConsoleError> {
        Ok(IncomingServiceClient::new(self.documents_channel()?))
    }

    pub fn catalog(&self) -> Result<CatalogServiceClient<GrpcChannel>, ConsoleError> {
        Ok(CatalogServiceClient::new(self.documents_channel()?))
    }

    pub fn attachments(&self) -> Result<AttachmentServiceClient<GrpcChannel>, ConsoleError> {
        Ok(AttachmentServiceClient::new(self.documents_channel()?))
    }

    pub fn outgoing(&self) -> Result<OutgoingServiceClient<GrpcChannel>, ConsoleError> {
        Ok(OutgoingServiceClient::new(self.documents_channel()?))
    }

    /// edXML packages: documents and statuses exchanged with bodies outside.
    pub fn edxml(&self) -> Result<EdxmlServiceClient<GrpcChannel>, ConsoleError> {
        Ok(EdxmlServiceClient::new(self.documents_channel()?))
    }

    pub fn registers(&self) -> Result<RegisterServiceClient<GrpcChannel>, ConsoleError> {
        Ok(RegisterServiceClient::new(self.documents_channel()?))
    }

    pub fn notifications(&self) -> Result<NotificationServiceClient<GrpcChannel>, ConsoleError> {
        Ok(NotificationServiceClient::new(self.documents_channel()?))
    }

    fn petitions_channel(&self) -> Result<GrpcChannel, ConsoleError> {
        self.petitions.clone().ok_or(ConsoleError::NotConfigured("tiếp dân"))
    }

    pub fn petitions(&self) -> Result<PetitionServiceClient<GrpcChannel>, ConsoleError> {
        Ok(PetitionServiceClient::new(self.petitions_channel()?))
    }

    /// Receptions of citizens and the leaders' reception duty.
    pub fn receptions(&self) -> Result<ReceptionServiceClient<GrpcChannel>, ConsoleError> {
        Ok(ReceptionServiceClient::new(self.petitions_channel()?))
    }

    pub fn petition_catalog(&self) -> Result<PetitionCatalogServiceClient<GrpcChannel>, ConsoleError> {
        Ok(PetitionCatalogServiceClient::new(self.petitions_channel()?))
    }

    /// The person's notices about petitions.
    pub fn petition_notices(&self) -> Result<PetitionNoticesClient<GrpcChannel>, ConsoleError> {
        Ok(PetitionNoticesClient::new(self.petitions_channel()?))
    }

    /// The person's notices about reports.
    pub fn report_notices(&self) -> Result<ReportNoticesClient<GrpcChannel>, ConsoleError> {
        Ok(ReportNoticesClient::new(self.reporting_channel()?))
    }

    pub fn reports(&self) -> Result<ReportServiceClient<GrpcChannel>, ConsoleError> {
        Ok(ReportServiceClient::new(self.reporting_channel()?))
    }

    fn reporting_channel(&self) -> Result<GrpcChannel, ConsoleError> {
        self.reporting.clone().ok_or(ConsoleError::NotConfigured("báo cáo"))
    }

    pub fn report_approval(&self) -> Result<ApprovalServiceClient<GrpcChannel>, ConsoleError> {
        Ok(ApprovalServiceClient::new(self.reporting_channel()?))
    }

    pub fn report_periods(&self) -> Result<PeriodServiceClient<GrpcChannel>, ConsoleError> {
        Ok(PeriodServiceClient::new(self.reporting_channel()?))
    }

    pub fn report_exports(&self) -> Result<ReportExportServiceClient<GrpcChannel>, ConsoleError> {
        Ok(ReportExportServiceClient::new(self.reporting_channel()?))
    }

    fn finance_channel(&self) -> Result<GrpcChannel, ConsoleError> {
        self.finance.clone().ok_or(ConsoleError::NotConfigured("tài chính"))
    }

    pub fn budget(&self) -> Result<BudgetServiceClient<GrpcChannel>, ConsoleError> {
        Ok(BudgetServiceClient::new(self.finance_channel()?))
    }

    pub fn ledger(&self) -> Result<LedgerServiceClient<GrpcChannel>, ConsoleError> {
        Ok(LedgerServiceClient::new(self.finance_channel()?))
    }

    pub fn budget_lines(&self) -> Result<BudgetLineServiceClient<GrpcChannel>, ConsoleError> {
        Ok(BudgetLineServiceClient::new(self.finance_channel()?))
    }

    pub fn spending(&self) -> Result<SpendingServiceClient<GrpcChannel>, ConsoleError> {
        Ok(SpendingServiceClient::new(self.finance_channel()?))
    }

    pub fn dues(&self) -> Result<DuesServiceClient<GrpcChannel>, ConsoleError> {
        Ok(DuesServiceClient::new(self.finance_channel()?))
    }

    pub fn finance_exports(&self) -> Result<FinanceExportServiceClient<GrpcChannel>, ConsoleError> {
        Ok(FinanceExportServiceClient::new(self.finance_channel()?))
    }

    pub fn fiscal_years(&self) -> Result<FiscalYearServiceClient<GrpcChannel>, ConsoleError> {
        Ok(FiscalYearServiceClient::new(self.finance_channel()?))
    }
}
