//! Logged models and the registry pushed to and pulled from a real `mlt server`, read back
//! through the server's endpoints and through the server's store.

use super::models::{
    ModelPoints, NamedThere, logged_models_to_push, pull_logged_models, pull_registry,
    push_logged_models, push_registry, runs_for_models,
};
use super::{Kind, Options, RunLink, Scope, Session, tags};
use crate::entities::{Experiment, Stage};
use crate::proto::tracking::CreateRun;
use crate::remote::{Remote, Settings};
use crate::server::Spawned;
use crate::store::logged_write::{NewLoggedModel, STATUS_READY};
use crate::store::{NewRun, NewVersion, Store};
use std::time::Duration;

struct Side {
    _tmp: tempfile::TempDir,
    store: Store,
}

fn side() -> Side {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path());
    store.init().unwrap();
    Side { _tmp: tmp, store }
}

fn session<'a>(
    store: &'a Store,
    remote: &'a Remote,
    progress: &'a mut (dyn FnMut(crate::store::transfer::Progress) + Send),
) -> Session<'a> {
    Session::new(store, remote, Options::default(), progress)
}

/// A remote that answers nothing: a session on it fails at its first request.
fn dead_remote() -> Remote {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = Settings {
        max_retries: 0,
        backoff: Duration::from_millis(1),
        ..Settings::default()
    };
    Remote::new(&format!("http://127.0.0.1:{port}"), settings).unwrap()
}

/// The local store: experiment "e" with run `run`, a logged model of it, and registered model
/// "clf" with three versions (from the run's files by `runs:/`, by a path in its artifacts,
/// and from the logged model), stages, tags, descriptions and two aliases.
struct Local {
    side: Side,
    exp: Experiment,
    run: String,
    logged: String,
}

fn local() -> Local {
    let side = side();
    let s = &side.store;
    let exp = s.create_experiment("e", None, &[]).unwrap();
    let run = s.create_run(&exp, NewRun::default()).unwrap().run_id;
    let h = s.find_run(&run).unwrap();
    let art = s.artifact_dir(&h).unwrap();
    std::fs::create_dir_all(art.join("model")).unwrap();
    std::fs::create_dir_all(art.join("model2")).unwrap();
    let lm = s
        .create_logged_model(NewLoggedModel {
            experiment_id: exp.experiment_id.clone(),
            name: Some("net".into()),
            model_type: Some("sklearn".into()),
            source_run_id: Some(run.clone()),
            params: vec![("alpha".into(), "0.5".into())],
            tags: vec![("team".into(), "vision".into())],
        })
        .unwrap();
    s.finalize_logged_model(&lm.model_id, STATUS_READY).unwrap();
    s.create_registered_model(
        "clf",
        Some("the classifier"),
        &[("owner".into(), "ann".into())],
    )
    .unwrap();
    let v1 = s
        .create_model_version(
            "clf",
            NewVersion {
                source: format!("runs:/{run}/model"),
                run_id: Some(run.clone()),
                description: Some("first".into()),
                tags: vec![("q".into(), "good".into())],
                ..Default::default()
            },
        )
        .unwrap();
    let v2 = s
        .create_model_version(
            "clf",
            NewVersion {
                source: crate::store::path_to_file_uri(&art.join("model2")),
                run_id: Some(run.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    let v3 = s
        .create_model_version(
            "clf",
            NewVersion {
                source: format!("models:/{}", lm.model_id),
                run_id: Some(run.clone()),
                model_id: Some(lm.model_id.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((v1.version, v2.version, v3.version), (1, 2, 3));
    s.transition_stage("clf", 1, Stage::Production, false)
        .unwrap();
    s.transition_stage("clf", 2, Stage::Staging, false).unwrap();
    s.set_alias("clf", "champion", 1).unwrap();
    s.set_alias("clf", "challenger", 3).unwrap();
    Local {
        side,
        exp,
        run,
        logged: lm.model_id,
    }
}

/// The server's side of `local`'s experiment and run, linked in the map as push.rs links
/// them. Returns the remote experiment id and run id.
fn link_run(l: &Local, remote: &Remote) -> (String, String) {
    let rexp = remote.create_experiment("e", Vec::new()).unwrap();
    let run = remote
        .create_run(&CreateRun {
            experiment_id: Some(rexp.clone()),
            start_time: Some(1_700_000_000_000),
            ..CreateRun::default()
        })
        .unwrap();
    let map = l.side.store.remote_map(&remote.key());
    map.put(
        Kind::Run,
        &l.run,
        &RunLink {
            remote_id: run.info.run_id.clone(),
            remote_experiment_id: rexp.clone(),
            ..RunLink::default()
        },
    )
    .unwrap();
    (rexp, run.info.run_id)
}

/// The logged models of these experiments, pushed as the push's last step pushes them.
fn push_models(s: &Session, exps: &[(Experiment, String)]) -> crate::app::Result<()> {
    let todo = logged_models_to_push(s, exps, None)?;
    let points = ModelPoints::read(s, &todo)?;
    push_logged_models(s, &todo, &points, &Default::default(), &Default::default())
}

fn push_all(l: &Local, remote: &Remote, rexp: &str) -> super::Tally {
    let mut p = |_| {};
    let s = session(&l.side.store, remote, &mut p);
    push_models(&s, &[(l.exp.clone(), rexp.to_string())]).unwrap();
    push_registry(&s, &Scope::default()).unwrap();
    s.tally()
}

fn versions_there(remote: &Remote) -> Vec<crate::proto::registry::ModelVersion> {
    remote.model_versions_of("clf").unwrap()
}

fn tag<'a>(v: &'a crate::proto::registry::ModelVersion, key: &str) -> Option<&'a str> {
    v.tags
        .iter()
        .find(|t| t.key == key)
        .map(|t| t.value.as_str())
}

#[test]
fn the_registry_and_logged_models_arrive_once_and_follow_changes() {
    let l = local();
    let server_side = side();
    // Someone else's version 1 is there already: the local versions get other numbers.
    let there = &server_side.store;
    there.create_registered_model("clf", None, &[]).unwrap();
    there
        .create_model_version(
            "clf",
            NewVersion {
                source: "s3://bucket/elsewhere".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let server = Spawned::new(Store::new(there.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let (rexp, rrun) = link_run(&l, &remote);

    // The runs a push of -m clf brings along.
    {
        let mut p = |_| {};
        let s = session(&l.side.store, &remote, &mut p);
        let scope = Scope {
            models: vec!["clf".into()],
            ..Scope::default()
        };
        let runs = runs_for_models(&s, &scope).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].info.run_id, l.run);
        assert!(
            runs_for_models(
                &s,
                &Scope {
                    runs: vec!["x".into()],
                    ..Scope::default()
                }
            )
            .unwrap()
            .is_empty()
        );
    }

    let t = push_all(&l, &remote, &rexp);
    assert_eq!((t.logged_models.new, t.models.updated), (1, 1), "{t:?}");
    assert_eq!(t.model_versions.new, 3, "{t:?}");
    assert_eq!(t.aliases.new, 2, "{t:?}");

    // The runs a pull of -m clf brings along: the pushed run there, once (someone else's
    // version 1 names none); a model the server lacks is an error.
    {
        let mut p = |_| {};
        let s = session(&l.side.store, &remote, &mut p);
        let named = |m: &str| Scope {
            models: vec![m.into()],
            ..Scope::default()
        };
        assert_eq!(
            NamedThere::fetch(&s, &named("clf")).unwrap().runs(),
            vec![rrun.clone()]
        );
        let e = NamedThere::fetch(&s, &named("nope"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("no registered model 'nope'"), "{e}");
    }

    // The logged model, its params and tags, its source run there.
    let llink: super::LoggedModelLink = l
        .side
        .store
        .remote_map(&remote.key())
        .get(Kind::LoggedModel, &l.logged)
        .unwrap();
    let lm = remote.logged_model(&llink.remote_id).unwrap().unwrap();
    assert_ne!(lm.info.model_id, l.logged);
    assert_eq!(lm.info.experiment_id, rexp);
    assert_eq!(lm.info.name, "net");
    assert_eq!(lm.info.model_type.as_deref(), Some("sklearn"));
    assert_eq!(lm.info.source_run_id.as_deref(), Some(rrun.as_str()));
    assert_eq!(lm.info.status, "LOGGED_MODEL_READY");
    assert_eq!(lm.data.params[0].key, "alpha");
    assert_eq!(lm.data.params[0].value, "0.5");
    let lm_tags: std::collections::BTreeMap<_, _> = lm
        .info
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(lm_tags["team"], "vision");
    assert_eq!(lm_tags[tags::SOURCE_MODEL_ID], l.logged);

    // The registered model and its versions, read through the endpoints.
    let rm = remote.registered_model("clf").unwrap().unwrap();
    assert_eq!(rm.description.as_deref(), Some("the classifier"));
    assert_eq!(rm.tags[0].key, "owner");
    let vs = versions_there(&remote);
    assert_eq!(vs.len(), 4);
    let run_uri = remote.run(&rrun).unwrap().unwrap().info.artifact_uri;
    let (v1, v2, v3) = (&vs[1], &vs[2], &vs[3]);
    assert_eq!(
        (
            v1.version.as_str(),
            v2.version.as_str(),
            v3.version.as_str()
        ),
        ("2", "3", "4")
    );
    assert_eq!(v1.source, format!("{run_uri}/model"));
    assert_eq!(v2.source, format!("{run_uri}/model2"));
    assert_eq!(v3.source, format!("models:/{}", lm.info.model_id));
    assert_eq!(v3.model_id.as_deref(), Some(lm.info.model_id.as_str()));
    for v in [v1, v2, v3] {
        assert_eq!(v.run_id.as_deref(), Some(rrun.as_str()));
    }
    assert_eq!(tag(v1, tags::SOURCE_VERSION), Some("1"));
    assert_eq!(tag(v3, tags::SOURCE_VERSION), Some("3"));
    assert_eq!(tag(v1, "q"), Some("good"));
    assert_eq!(v1.description.as_deref(), Some("first"));
    assert_eq!(
        (v1.current_stage.as_str(), v2.current_stage.as_str()),
        ("Production", "Staging")
    );
    assert_eq!(v3.current_stage, "None");
    // ... and through the server's store.
    let aliases = there.registered_model("clf").unwrap().aliases;
    assert_eq!(aliases["champion"], 2);
    assert_eq!(aliases["challenger"], 4);
    let sv = there.model_version("clf", 2).unwrap();
    assert_eq!(sv.current_stage, Stage::Production);
    assert_eq!(sv.run_id.as_deref(), Some(rrun.as_str()));

    // A second push changes nothing and asks nothing: on a dead server it still succeeds.
    let dead = dead_remote();
    {
        let mut p = |_| {};
        let mut s = session(&l.side.store, &dead, &mut p);
        s.map = l.side.store.remote_map(&remote.key());
        push_models(&s, &[(l.exp.clone(), rexp.clone())]).unwrap();
        push_registry(&s, &Scope::default()).unwrap();
        let t = s.tally();
        assert!(t.is_nothing(), "{t:?}");
        assert_eq!(
            (
                t.logged_models.unchanged,
                t.models.unchanged,
                t.model_versions.unchanged,
                t.aliases.unchanged
            ),
            (1, 1, 3, 2)
        );
    }

    // Moved alias, a new version, a changed tag and stage, a changed logged model param.
    let s = &l.side.store;
    s.set_alias("clf", "champion", 2).unwrap();
    s.set_version_tag("clf", 1, "q", "better").unwrap();
    s.transition_stage("clf", 3, Stage::Archived, false)
        .unwrap();
    s.log_logged_model_params(&l.logged, &[("alpha".into(), "0.7".into())])
        .unwrap();
    let v4 = s
        .create_model_version(
            "clf",
            NewVersion {
                source: format!("runs:/{}/model", l.run),
                run_id: Some(l.run.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(v4.version, 4);
    let t = push_all(&l, &remote, &rexp);
    assert_eq!(t.logged_models.updated, 1, "{t:?}");
    assert_eq!(
        (t.model_versions.new, t.model_versions.updated),
        (1, 2),
        "{t:?}"
    );
    assert_eq!((t.aliases.updated, t.aliases.unchanged), (1, 1), "{t:?}");
    let vs = versions_there(&remote);
    assert_eq!(vs.len(), 5);
    assert_eq!(tag(&vs[1], "q"), Some("better"));
    assert_eq!(vs[3].current_stage, "Archived");
    assert_eq!(vs[4].version, "5");
    assert_eq!(tag(&vs[4], tags::SOURCE_VERSION), Some("4"));
    assert_eq!(
        there.registered_model("clf").unwrap().aliases["champion"],
        3
    );
    let lm = remote.logged_model(&llink.remote_id).unwrap().unwrap();
    assert_eq!(lm.data.params[0].value, "0.7");

    // A push whose map was lost (killed before the map's write) doubles nothing.
    let map = l.side.store.remote_map(&remote.key());
    map.remove(Kind::Model, "clf").unwrap();
    map.remove(Kind::LoggedModel, &l.logged).unwrap();
    let t = push_all(&l, &remote, &rexp);
    assert_eq!((t.model_versions.new, t.logged_models.new), (0, 0), "{t:?}");
    assert_eq!(versions_there(&remote).len(), 5);
    let mut n = 0;
    remote
        .logged_models_all(std::slice::from_ref(&rexp), None, |p| {
            n += p.len();
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 1);

    // Pulled back into the store it came from: recognised, not doubled (only the other
    // store's version comes down, under the next free number).
    {
        let mut p = |_| {};
        let s = session(&l.side.store, &remote, &mut p);
        pull_logged_models(&s, &[(l.exp.clone(), rexp.clone())], None).unwrap();
        pull_registry(&s, &Scope::default(), NamedThere::default()).unwrap();
        let t = s.tally();
        assert_eq!(t.logged_models.new, 0, "{t:?}");
        assert_eq!(t.model_versions.new, 1, "{t:?}");
        assert_eq!(l.side.store.model_versions("clf").unwrap().len(), 5);
        let theirs = l.side.store.model_version("clf", 5).unwrap();
        assert_eq!(theirs.source, "s3://bucket/elsewhere");
    }

    // Pulled into an empty store (its run pulled first, with the server's id).
    let fresh = side();
    let f = &fresh.store;
    let fexp = f.create_experiment("e", None, &[]).unwrap();
    let fh = write_pulled_run(f, &fexp, &rrun);
    f.remote_map(&remote.key())
        .put(
            Kind::Run,
            &rrun,
            &RunLink {
                remote_id: rrun.clone(),
                remote_experiment_id: rexp.clone(),
                pulled: true,
                ..RunLink::default()
            },
        )
        .unwrap();
    let pull = |store: &Store| {
        let mut p = |_| {};
        let s = session(store, &remote, &mut p);
        pull_logged_models(&s, &[(fexp.clone(), rexp.clone())], None).unwrap();
        pull_registry(&s, &Scope::default(), NamedThere::default()).unwrap();
        s.tally()
    };
    let t = pull(f);
    assert_eq!(
        (t.logged_models.new, t.models.new, t.model_versions.new),
        (1, 1, 5),
        "{t:?}"
    );
    assert_eq!(t.aliases.new, 2, "{t:?}");
    let lmr = f.logged_model_record(&lm.info.model_id, false).unwrap();
    assert_eq!(lmr.params["alpha"], "0.7");
    assert_eq!(lmr.tags["team"], "vision");
    // Every tag as there, the source tag too.
    assert_eq!(lmr.tags[tags::SOURCE_MODEL_ID], l.logged);
    assert_eq!(lmr.source_run_id.as_deref(), Some(rrun.as_str()));
    assert_eq!(lmr.status, STATUS_READY);
    let m = f.registered_model("clf").unwrap();
    assert_eq!(m.description.as_deref(), Some("the classifier"));
    assert_eq!(m.tags["owner"], "ann");
    assert_eq!(m.aliases["champion"], 3);
    assert_eq!(m.aliases["challenger"], 4);
    let nums: Vec<i64> = f
        .model_versions("clf")
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(nums, [5, 4, 3, 2, 1]);
    let v2 = f.model_version("clf", 2).unwrap();
    assert_eq!(v2.current_stage, Stage::Production);
    assert_eq!(v2.tags["q"], "better");
    assert_eq!(
        v2.tags.get(tags::SOURCE_VERSION).map(String::as_str),
        tag(&vs[1], tags::SOURCE_VERSION)
    );
    assert_eq!(v2.description.as_deref(), Some("first"));
    assert_eq!(v2.run_id.as_deref(), Some(rrun.as_str()));
    assert_eq!(v2.source, format!("{}/model", fh.info.artifact_uri));
    assert_eq!(
        f.model_version("clf", 3).unwrap().current_stage,
        Stage::Staging
    );
    let v4 = f.model_version("clf", 4).unwrap();
    assert_eq!(v4.current_stage, Stage::Archived);
    assert_eq!(v4.source, format!("models:/{}", lm.info.model_id));
    assert_eq!(v4.model_id.as_deref(), Some(lm.info.model_id.as_str()));
    // Idempotent.
    let t = pull(f);
    assert!(t.is_nothing(), "{t:?}");
    assert_eq!(f.model_versions("clf").unwrap().len(), 5);
}

/// A run folder with the server's id, as a pull writes one (pull.rs is built elsewhere).
fn write_pulled_run(store: &Store, exp: &Experiment, run_id: &str) -> crate::store::RunHandle {
    let made = store.create_run(exp, NewRun::default()).unwrap();
    let h = store.find_run(&made.run_id).unwrap();
    let dir = h.dir.parent().unwrap().join(run_id);
    std::fs::rename(&h.dir, &dir).unwrap();
    let meta = dir.join("meta.yaml");
    let text = std::fs::read_to_string(&meta)
        .unwrap()
        .replace(&made.run_id, run_id);
    std::fs::write(&meta, text).unwrap();
    store.find_run(run_id).unwrap()
}

#[test]
fn a_version_whose_run_is_not_there_is_refused_naming_the_run() {
    let l = local();
    let server_side = side();
    let server = Spawned::new(Store::new(server_side.store.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let rexp = remote.create_experiment("e", Vec::new()).unwrap();
    let mut p = |_| {};
    let s = session(&l.side.store, &remote, &mut p);
    let e = push_models(&s, &[(l.exp.clone(), rexp)]).unwrap_err();
    assert!(e.to_string().contains(&l.run), "{e}");
    let e = push_registry(&s, &Scope::default()).unwrap_err();
    assert!(e.to_string().contains(&l.run), "{e}");
    assert!(e.to_string().contains("version 1 of model 'clf'"), "{e}");
    // A dry run sends nothing and says what would go.
    let mut p = |_| {};
    let dry = Session::new(
        &l.side.store,
        &remote,
        Options {
            dry_run: true,
            ..Options::default()
        },
        &mut p,
    );
    push_registry(&dry, &Scope::default()).unwrap();
    let t = dry.tally();
    assert_eq!((t.model_versions.new, t.aliases.new), (3, 2), "{t:?}");
    assert!(server_side.store.model_versions("clf").unwrap().is_empty());
}

#[test]
fn a_runs_model_inputs_and_outputs_name_the_models_there() {
    let l = local();
    let s = &l.side.store;
    s.log_outputs(&l.run, &[(l.logged.clone(), 5)]).unwrap();
    s.log_inputs(&l.run, &[], std::slice::from_ref(&l.logged))
        .unwrap();
    crate::store::age_for_tests(s.root(), 10);
    let server_side = side();
    let server = Spawned::new(Store::new(server_side.store.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let push = || {
        super::push(
            s,
            &remote,
            &Scope::default(),
            Options::default(),
            &mut |_| {},
        )
    };
    push().unwrap();
    let map = s.remote_map(&remote.key());
    let run: RunLink = map.get(Kind::Run, &l.run).unwrap();
    let model: super::LoggedModelLink = map.get(Kind::LoggedModel, &l.logged).unwrap();
    assert_ne!(model.remote_id, l.logged);
    let there = remote.run(&run.remote_id).unwrap().unwrap();
    let outputs: Vec<(&str, i64)> = there
        .outputs
        .model_outputs
        .iter()
        .map(|o| (o.model_id.as_str(), o.step))
        .collect();
    assert_eq!(outputs, [(model.remote_id.as_str(), 5)]);
    let inputs: Vec<&str> = there
        .inputs
        .model_inputs
        .iter()
        .map(|i| i.model_id.as_str())
        .collect();
    assert_eq!(inputs, [model.remote_id.as_str()]);
    assert_eq!(run.models_sent.len(), 2);
    // Again: nothing sent, the same there.
    let r = push().unwrap();
    assert_eq!(r.tally.runs.unchanged, 1, "{r:?}");
    let again = remote.run(&run.remote_id).unwrap().unwrap();
    assert_eq!(again.outputs.model_outputs.len(), 1);
    // An output logged later (of another model) goes alone.
    let m2 = s
        .create_logged_model(NewLoggedModel {
            experiment_id: l.exp.experiment_id.clone(),
            name: Some("net2".into()),
            model_type: None,
            source_run_id: Some(l.run.clone()),
            params: Vec::new(),
            tags: Vec::new(),
        })
        .unwrap()
        .model_id;
    s.finalize_logged_model(&m2, STATUS_READY).unwrap();
    s.log_outputs(&l.run, &[(m2.clone(), 9)]).unwrap();
    crate::store::age_for_tests(s.root(), 10);
    push().unwrap();
    let run: RunLink = map.get(Kind::Run, &l.run).unwrap();
    assert_eq!(run.models_sent.len(), 3, "{:?}", run.models_sent);
    let m2_there: super::LoggedModelLink = map.get(Kind::LoggedModel, &m2).unwrap();
    let mut outputs: Vec<(String, i64)> = remote
        .run(&run.remote_id)
        .unwrap()
        .unwrap()
        .outputs
        .model_outputs
        .into_iter()
        .map(|o| (o.model_id, o.step))
        .collect();
    outputs.sort();
    let mut want = vec![(model.remote_id.clone(), 5), (m2_there.remote_id, 9)];
    want.sort();
    assert_eq!(outputs, want);
}

#[test]
fn a_pulled_run_keeps_its_model_inputs_and_outputs() {
    let l = local();
    let s = &l.side.store;
    s.log_outputs(&l.run, &[(l.logged.clone(), 5)]).unwrap();
    s.log_inputs(&l.run, &[], std::slice::from_ref(&l.logged))
        .unwrap();
    let server = Spawned::new(Store::new(s.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let fresh = side();
    let f = &fresh.store;
    let pull = || {
        super::pull(
            f,
            &remote,
            &Scope::default(),
            Options::default(),
            &mut |_| {},
        )
    };
    pull().unwrap();
    let io = f.run_io(&f.find_run(&l.run).unwrap()).unwrap();
    assert_eq!(io.model_outputs, [(l.logged.clone(), 5)]);
    assert_eq!(io.model_inputs, vec![l.logged.clone()]);
    assert!(f.logged_model(&l.logged).is_ok());
    // Again: the same, once.
    pull().unwrap();
    let again = f.run_io(&f.find_run(&l.run).unwrap()).unwrap();
    assert_eq!(again.model_outputs.len(), 1);
    assert_eq!(again.model_inputs.len(), 1);
}
