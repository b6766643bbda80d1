//! `PetitionService`: the gRPC entry points, each handing its request to
//! the module that does the work.

use std::sync::Arc;

use vanphong_proto::petitions::v1 as wire;
use vanphong_proto::petitions::v1::petition_service_server::PetitionService;

use super::{Shared, duplicates, exports, figures, intake, queries, reassign, steps};

/// The petitions service's main gRPC service.
pub struct PetitionApi(pub(crate) Arc<Shared>);

vanphong_platform::grpc_delegate! {
    impl PetitionService for PetitionApi(shared) {
        create_petition(wire::CreatePetitionRequest) -> wire::CreatePetitionResponse = intake::create;
        get_petition(wire::GetPetitionRequest) -> wire::Petition = queries::get;
        list_petitions(wire::ListPetitionsRequest) -> wire::ListPetitionsResponse = queries::list;
        list_duplicate_candidates(wire::ListDuplicateCandidatesRequest) -> wire::ListDuplicateCandidatesResponse = duplicates::list;
        link_repeat(wire::LinkRepeatRequest) -> wire::Petition = steps::link_repeat;
        classify_petition(wire::ClassifyPetitionRequest) -> wire::Petition = steps::classify;
        accept_petition(wire::AcceptPetitionRequest) -> wire::Petition = steps::accept_petition;
        reject_petition(wire::RejectPetitionRequest) -> wire::Petition = steps::reject;
        extend_deadline(wire::ExtendDeadlineRequest) -> wire::Petition = steps::extend;
        add_note(wire::AddNoteRequest) -> wire::Petition = steps::add_note;
        record_result(wire::RecordResultRequest) -> wire::Petition = steps::record_result;
        notify_petitioner(wire::NotifyPetitionerRequest) -> wire::Petition = steps::notify;
        close_petition(wire::ClosePetitionRequest) -> wire::Petition = steps::close;
        withdraw_petition(wire::WithdrawPetitionRequest) -> wire::Petition = steps::withdraw;
        assign_handler(wire::AssignHandlerRequest) -> wire::AssignHandlerResponse = reassign::assign_handler;
        get_my_work(wire::GetMyWorkRequest) -> wire::MyPetitionWork = queries::my_work;
        get_office_work(vanphong_proto::common::v1::GetOfficeWorkRequest) -> wire::OfficePetitionWorkList = queries::office_work;
        list_backlog(wire::ListBacklogRequest) -> wire::ListBacklogResponse = queries::backlog;
        get_figures(wire::GetFiguresRequest) -> wire::PetitionFigures = figures::get;
        export_register(wire::ExportRegisterRequest) -> wire::ExportFile = exports::export_register;
        export_figures(wire::ExportFiguresRequest) -> wire::ExportFile = exports::export_figures;
    }
}
