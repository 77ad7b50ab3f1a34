use std::collections::BTreeSet;

use super::*;

use crate::portal::fixture::in_state;

const PAUSE_KINDS: [Option<PauseKind>; 3] =
    [None, Some(PauseKind::FeePayment), Some(PauseKind::Other)];

/// Every state `InternalState::new` can build.
fn every_state() -> BTreeSet<InternalState> {
    let mut out = BTreeSet::new();
    for status in Status::ALL {
        for received in [false, true] {
            for kind in PAUSE_KINDS {
                out.insert(InternalState::new(status, received, kind));
            }
        }
    }
    out
}

#[test]
fn every_internal_state_has_exactly_one_row() {
    for state in every_state() {
        let rows = STATUS_MAP.iter().filter(|(k, _)| *k == state).count();
        assert_eq!(rows, 1, "{state:?} has {rows} rows");
    }
    // And the table has no row that no state can reach.
    let keys: BTreeSet<InternalState> = STATUS_MAP.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys.len(), STATUS_MAP.len(), "duplicate keys");
    assert_eq!(keys, every_state());
    // Every one of the 16 statuses is in the table.
    let statuses: BTreeSet<Status> = keys.iter().map(|k| k.status()).collect();
    assert_eq!(statuses, Status::ALL.into_iter().collect());
}

#[test]
fn every_portal_status_is_reached() {
    // No portal-only status: 7 is both our `Withdrawn` and, inbound, a request.
    for p in PortalStatus::ALL {
        assert!(
            internal_states(p).next().is_some(),
            "{p:?} is reached by none of our states"
        );
    }
}

#[test]
fn round_trip_contains_the_original() {
    for state in every_state() {
        let p = state.portal();
        assert!(internal_states(p).any(|s| s == state), "{state:?} → {p:?}");
        assert!(statuses_for(p).contains(&state.status()));
    }
}

#[test]
fn a_dossier_is_mapped_by_its_own_status_receipt_and_pause() {
    // `InternalState::of` must read the very fields the table is keyed by.
    for status in Status::ALL {
        for received in [false, true] {
            for kind in PAUSE_KINDS {
                let d = in_state(status, received, kind);
                let key = InternalState::new(status, received, kind);
                assert_eq!(InternalState::of(&d), key, "{status:?} {received} {kind:?}");
                assert_eq!(d.portal_status(), key.portal().code());
            }
        }
    }
}

#[test]
fn the_two_refined_statuses() {
    let s = |st, r, k| InternalState::new(st, r, k).portal();
    assert_eq!(
        s(Status::Supplemented, false, None),
        PortalStatus::NewlySubmitted
    );
    assert_eq!(
        s(Status::Supplemented, true, None),
        PortalStatus::Processing
    );
    assert_eq!(
        s(Status::Paused, true, Some(PauseKind::FeePayment)),
        PortalStatus::PaymentRequested
    );
    assert_eq!(
        s(Status::Paused, true, Some(PauseKind::Other)),
        PortalStatus::Processing
    );
    assert_eq!(s(Status::Paused, true, None), PortalStatus::Processing);
    assert_eq!(
        statuses_for(PortalStatus::Processing),
        vec![
            Status::Supplemented,
            Status::Assigned,
            Status::InProcess,
            Status::Consulting,
            Status::Transferred,
            Status::AwaitingApproval,
            Status::Paused
        ]
    );
}

#[test]
fn codes_labels_and_serde() {
    for (i, p) in PortalStatus::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(p.code()), i + 1);
        assert_eq!(PortalStatus::from_code(p.code()), Some(p));
        assert!(!p.label_vi().is_empty());
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!(p.code())
        );
    }
    assert_eq!(PortalStatus::from_code(0), None);
    assert_eq!(PortalStatus::from_code(11), None);
    assert!(serde_json::from_str::<PortalStatus>("11").is_err());
    assert_eq!(
        serde_json::from_str::<PortalStatus>("9").unwrap(),
        PortalStatus::Done
    );
    assert_eq!(PortalStatus::Returned.label_vi(), "Đã trả kết quả");
}

#[test]
fn inbound_meanings() {
    use InboundMeaning as M;
    assert_eq!(inbound_meaning(PortalStatus::NewlySubmitted), M::NewDossier);
    assert_eq!(M::NewDossier.target_status(), Some(Status::Submitted));
    assert_eq!(
        inbound_meaning(PortalStatus::WithdrawalRequested),
        M::WithdrawalRequest
    );
    assert_eq!(inbound_meaning(PortalStatus::Stopped), M::Stop);
    assert_eq!(M::Stop.target_status(), Some(Status::Stopped));
    for p in [2, 3, 4, 5, 6, 9, 10] {
        let p = PortalStatus::from_code(p).unwrap();
        assert_eq!(inbound_meaning(p), M::NotInbound);
        assert_eq!(M::NotInbound.target_status(), None);
    }
    // What an inbound meaning leads to maps back to the same portal status.
    for p in PortalStatus::ALL {
        if let Some(st) = inbound_meaning(p).target_status() {
            assert!(statuses_for(p).contains(&st), "{p:?}");
        }
    }
}

#[test]
fn transitions_of_the_spec() {
    let t = |a: u8, b: u8| {
        transition_allowed(
            PortalStatus::from_code(a).unwrap(),
            PortalStatus::from_code(b).unwrap(),
        )
    };
    for (a, b) in [
        (1, 2),
        (1, 3),
        (2, 4),
        (2, 5),
        (2, 6),
        (2, 8),
        (4, 5),
        (4, 6),
        (4, 9),
        (5, 4),
        (6, 4),
        (9, 10),
        (1, 7),
        (7, 8),
    ] {
        assert!(t(a, b), "{a} → {b} should be allowed");
    }
    for (a, b) in [
        (9, 4),
        (9, 8),
        (10, 8),
        (10, 4),
        (3, 2),
        (8, 4),
        (1, 9),
        (2, 10),
        (4, 1),
    ] {
        assert!(!t(a, b), "{a} → {b} should be refused");
    }
    // No stop, withdrawal or anything but return after a decision; nothing after 3, 8, 10.
    for p in PortalStatus::ALL {
        assert!(!transition_allowed(PortalStatus::Done, p) || p == PortalStatus::Returned);
        assert!(!transition_allowed(PortalStatus::Returned, p));
        assert!(!transition_allowed(PortalStatus::Stopped, p));
        assert!(!transition_allowed(PortalStatus::NotAccepted, p));
        assert!(
            !transition_allowed(p, p),
            "{p:?} → itself is not a transition"
        );
        assert_eq!(check_transition(p, p), TransitionCheck::Unchanged);
    }
    assert!(PortalStatus::Returned.is_final());
    assert!(!PortalStatus::Done.is_final());
    assert_eq!(
        check_transition(PortalStatus::Done, PortalStatus::Processing),
        TransitionCheck::Forbidden
    );
    assert_eq!(
        check_transition(PortalStatus::Done, PortalStatus::Returned),
        TransitionCheck::Allowed
    );
    // Every status has a row in the transition table.
    let froms: BTreeSet<PortalStatus> = TRANSITIONS.iter().map(|(f, _)| *f).collect();
    assert_eq!(froms.len(), 10);
}

#[test]
fn paths_for_a_portal_copy_that_is_behind() {
    use PortalStatus::*;
    assert_eq!(path(Accepted, Accepted), Some(vec![]));
    assert_eq!(path(NewlySubmitted, Accepted), Some(vec![Accepted]));
    assert_eq!(
        path(NewlySubmitted, Returned),
        Some(vec![Accepted, Processing, Done, Returned])
    );
    assert_eq!(path(Done, Processing), None);
    assert_eq!(path(Returned, Stopped), None);
    // Every path found is made of allowed steps.
    for a in PortalStatus::ALL {
        for b in PortalStatus::ALL {
            if let Some(steps) = path(a, b) {
                let mut cur = a;
                for s in &steps {
                    assert!(transition_allowed(cur, *s), "{a:?}→{b:?} via {steps:?}");
                    cur = *s;
                }
                assert_eq!(cur, b);
            }
        }
    }
}
