//! The outbox as the portal sync reads it: per dossier in order, retries wait.

use motcua_store::RequestMeta;
use serde_json::json;

use crate::fixture::{A, Rules, at, seed};
use crate::on_each_backend;

#[tokio::test]
async fn a_dossiers_messages_go_out_in_order_and_a_failure_holds_back_only_its_own() {
    on_each_backend(|b| async move {
        seed(&b.store).await;
        let r = Rules::new();
        let meta = RequestMeta::default;
        let d1 = b
            .store
            .create_dossier(r.new_dossier("citizen", at("2026-10-08 09:00"), A), meta())
            .await
            .unwrap();
        let d2 = b
            .store
            .create_dossier(r.new_dossier("citizen", at("2026-10-08 09:05"), A), meta())
            .await
            .unwrap();
        let step = r.decide(&d1, "officer", at("2026-10-08 10:00"), "receive", json!({}));
        b.store.apply(step, meta()).await.unwrap();
        let (c1, c2) = (d1.code.as_str(), d2.code.as_str());
        let now = at("2026-10-08 11:00");

        // Each dossier offers only its oldest message: d1's filing, d2's filing.
        let next = b.store.outbox_next("dossier.", now, 100).await.unwrap();
        let keys: Vec<_> = next
            .iter()
            .map(|m| (m.key.as_str(), m.topic.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![(c1, "dossier.created"), (c2, "dossier.created")],
            "{}",
            b.name
        );
        let backlog = b.store.outbox_backlog("dossier.").await.unwrap();
        assert_eq!((backlog.pending, backlog.failing), (3, 0));
        assert_eq!(backlog.oldest, Some(at("2026-10-08 09:00")));

        // d1's filing fails: d1 waits until its retry time, d2 goes on.
        let first = next[0].id;
        b.store
            .outbox_failed(first, "502".into(), at("2026-10-08 11:05"))
            .await
            .unwrap();
        b.store
            .outbox_delivered(vec![next[1].id], now)
            .await
            .unwrap();
        assert!(
            b.store
                .outbox_next("dossier.", now, 100)
                .await
                .unwrap()
                .is_empty()
        );
        let later = b
            .store
            .outbox_next("dossier.", at("2026-10-08 11:05"), 100)
            .await
            .unwrap();
        assert_eq!(later.len(), 1);
        assert_eq!((later[0].id, later[0].attempts), (first, 1));
        assert_eq!(later[0].last_error.as_deref(), Some("502"));
        assert_eq!(b.store.outbox_backlog("dossier.").await.unwrap().failing, 1);

        // Delivered, its receipt comes next; other topics are not offered.
        b.store.outbox_delivered(vec![first], now).await.unwrap();
        let last = b.store.outbox_next("dossier.", now, 100).await.unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(
            (last[0].key.as_str(), last[0].topic.as_str()),
            (c1, "dossier.receive")
        );
        assert_eq!(last[0].payload["portal_status"], json!(2));
        assert!(
            b.store
                .outbox_next("pay.", now, 100)
                .await
                .unwrap()
                .is_empty()
        );
        b.store
            .outbox_delivered(vec![last[0].id], now)
            .await
            .unwrap();
        assert_eq!(
            b.store.outbox_backlog("dossier.").await.unwrap(),
            motcua_store::OutboxBacklog::default()
        );
        b
    })
    .await;
}
