//! `PetitionService`: the gRPC entry points, each handing its request to
//! the module that does the work.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_proto::petitions::v1 as wire;
use vanphong_proto::petitions::v1::petition_service_server::PetitionService;

use super::{Shared, duplicates, exports, figures, intake, queries, steps};

/// The petitions service's main gRPC service.
pub struct PetitionApi(pub(crate) Arc<Shared>);

#[tonic::async_trait]
impl PetitionService for PetitionApi {
    async fn create_petition(
        &self,
        request: Request<wire::CreatePetitionRequest>,
    ) -> Result<Response<wire::CreatePetitionResponse>, Status> {
        Ok(Response::new(intake::create(&self.0, request).await?))
    }

    async fn get_petition(
        &self,
        request: Request<wire::GetPetitionRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(queries::get(&self.0, request).await?))
    }

    async fn list_petitions(
        &self,
        request: Request<wire::ListPetitionsRequest>,
    ) -> Result<Response<wire::ListPetitionsResponse>, Status> {
        Ok(Response::new(queries::list(&self.0, request).await?))
    }

    async fn list_duplicate_candidates(
        &self,
        request: Request<wire::ListDuplicateCandidatesRequest>,
    ) -> Result<Response<wire::ListDuplicateCandidatesResponse>, Status> {
        Ok(Response::new(duplicates::list(&self.0, request).await?))
    }

    async fn link_repeat(&self, request: Request<wire::LinkRepeatRequest>) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::link_repeat(&self.0, request).await?))
    }

    async fn classify_petition(
        &self,
        request: Request<wire::ClassifyPetitionRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::classify(&self.0, request).await?))
    }

    async fn accept_petition(
        &self,
        request: Request<wire::AcceptPetitionRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::accept_petition(&self.0, request).await?))
    }

    async fn reject_petition(
        &self,
        request: Request<wire::RejectPetitionRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::reject(&self.0, request).await?))
    }

    async fn extend_deadline(
        &self,
        request: Request<wire::ExtendDeadlineRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::extend(&self.0, request).await?))
    }

    async fn add_note(&self, request: Request<wire::AddNoteRequest>) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::add_note(&self.0, request).await?))
    }

    async fn record_result(
        &self,
        request: Request<wire::RecordResultRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::record_result(&self.0, request).await?))
    }

    async fn notify_petitioner(
        &self,
        request: Request<wire::NotifyPetitionerRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::notify(&self.0, request).await?))
    }

    async fn close_petition(
        &self,
        request: Request<wire::ClosePetitionRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::close(&self.0, request).await?))
    }

    async fn withdraw_petition(
        &self,
        request: Request<wire::WithdrawPetitionRequest>,
    ) -> Result<Response<wire::Petition>, Status> {
        Ok(Response::new(steps::withdraw(&self.0, request).await?))
    }

    async fn get_my_work(
        &self,
        request: Request<wire::GetMyWorkRequest>,
    ) -> Result<Response<wire::MyPetitionWork>, Status> {
        Ok(Response::new(queries::my_work(&self.0, request).await?))
    }

    async fn list_backlog(
        &self,
        request: Request<wire::ListBacklogRequest>,
    ) -> Result<Response<wire::ListBacklogResponse>, Status> {
        Ok(Response::new(queries::backlog(&self.0, request).await?))
    }

    async fn get_figures(
        &self,
        request: Request<wire::GetFiguresRequest>,
    ) -> Result<Response<wire::PetitionFigures>, Status> {
        Ok(Response::new(figures::get(&self.0, request).await?))
    }

    async fn export_register(
        &self,
        request: Request<wire::ExportRegisterRequest>,
    ) -> Result<Response<wire::ExportFile>, Status> {
        Ok(Response::new(exports::export_register(&self.0, request).await?))
    }

    async fn export_figures(
        &self,
        request: Request<wire::ExportFiguresRequest>,
    ) -> Result<Response<wire::ExportFile>, Status> {
        Ok(Response::new(exports::export_figures(&self.0, request).await?))
    }
}
