//! `mlt models`: the model registry (register, versions, aliases, stages, tags), model URIs,
//! and model packages (`log`, `inspect`, in `package.rs`).

mod package;

use crate::app::registry::latest_per_stage;
use crate::cli::kit::{CliError, CmdResult, Ctx, parse_key_value, positive};
use crate::entities::{ModelVersion, RegisteredModel, Stage};
use crate::output::{self, Cell, Format, Listing, json};
use crate::store::{ModelUri, NewVersion, Store};
use clap::Subcommand;
use std::path::PathBuf;

/// `-v N`: change version N instead of the model.
#[derive(clap::Args, Debug)]
pub struct VersionOpt {
    /// The version to change instead of the model
    #[arg(
        id = "model_version",
        long = "model-version",
        visible_alias = "version",
        short = 'v',
        value_name = "VERSION"
    )]
    version: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Store a model folder in a run's artifacts, with an MLmodel that MLflow can load
    Log(package::LogArgs),
    /// Show a model's flavors, signature, input example, requirements and size
    Inspect(package::InspectArgs),
    /// Register a new version of a model (created on first use) and print its number
    Register {
        /// runs:/<run_id>/<path>, models:/<name>/<version>, models:/<model_id>, or a local
        /// folder (copied into the store)
        source: String,
        /// Registered model name
        name: String,
        /// Description of the new version
        #[arg(long, short)]
        description: Option<String>,
        /// A version tag, repeatable
        #[arg(long = "tag", short = 't', value_name = "KEY=VALUE", value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
    },
    /// Create an empty registered model
    Create {
        /// Registered model name (unique)
        name: String,
        /// Description of the model
        #[arg(long, short)]
        description: Option<String>,
        /// A model tag, repeatable
        #[arg(long = "tag", short = 't', value_name = "KEY=VALUE", value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
    },
    /// List registered models, with MLflow's registered-model filters
    #[command(visible_alias = "ls")]
    List {
        /// e.g. "name LIKE 'clf-%' and tags.team = 'cv'" (name: = != LIKE ILIKE IN NOT IN;
        /// tags.<key>: = != LIKE ILIKE)
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// name, creation_timestamp or last_updated_timestamp, with ASC or DESC; repeatable
        /// [default: name]
        #[arg(long = "order-by", value_name = "KEY [ASC|DESC]")]
        order_by: Vec<String>,
        /// At most this many models [default: all]
        #[arg(long, value_parser = positive)]
        max_results: Option<usize>,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show a registered model and its versions
    Show {
        /// Model name
        name: String,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show one version: NAME VERSION, or a models:/ URI (version, @alias, latest, stage)
    Version {
        /// Model name or models:/ URI
        model: String,
        /// Version number (when MODEL is a name)
        #[arg(id = "number", value_name = "VERSION")]
        version: Option<i64>,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Print the local folder a model URI resolves to (models:/, runs:/, paths)
    Resolve {
        /// models:/<name>/<version|@alias|latest|stage>, runs:/<run_id>/<path>, or a local path
        uri: String,
    },
    /// Copy a model's files (models:/ or runs:/ URI) into a folder and print where
    Download {
        /// models:/<name>/<version|@alias|latest|stage> or runs:/<run_id>/<path>
        uri: String,
        /// Destination folder
        #[arg(long, short, default_value = ".")]
        dest: PathBuf,
    },
    /// Set the description of a model, or of one version with --version
    SetDescription {
        /// Registered model name
        name: String,
        /// The description
        text: String,
        #[command(flatten)]
        target: VersionOpt,
    },
    /// Delete the description of a model, or of one version with --version
    DeleteDescription {
        /// Registered model name
        name: String,
        #[command(flatten)]
        target: VersionOpt,
    },
    /// Set a tag on a model, or on one version with --version
    SetTag {
        /// Registered model name
        name: String,
        /// Tag key
        key: String,
        /// Tag value
        value: String,
        #[command(flatten)]
        target: VersionOpt,
    },
    /// Delete a tag of a model, or of one version with --version
    DeleteTag {
        /// Registered model name
        name: String,
        /// Tag key
        key: String,
        #[command(flatten)]
        target: VersionOpt,
    },
    /// Point an alias (e.g. champion) at a version; moves it if it exists
    SetAlias {
        /// Registered model name
        name: String,
        /// Alias name, e.g. champion
        alias: String,
        /// Version number
        #[arg(id = "number", value_name = "VERSION")]
        version: i64,
    },
    /// Print the version an alias points at
    GetAlias {
        /// Registered model name
        name: String,
        /// Alias name
        alias: String,
    },
    /// Delete an alias
    DeleteAlias {
        /// Registered model name
        name: String,
        /// Alias name
        alias: String,
    },
    /// Move a version to a legacy stage: None, Staging, Production or Archived
    Stage {
        /// Registered model name
        name: String,
        /// Version number
        #[arg(id = "number", value_name = "VERSION")]
        version: i64,
        /// None, Staging, Production or Archived (any case)
        stage: String,
        /// Move the other versions in that stage (Staging or Production) to Archived
        #[arg(long)]
        archive_existing: bool,
    },
    /// Delete a version (soft, as MLflow does: its number is never reused)
    DeleteVersion {
        /// Registered model name
        name: String,
        /// Version number
        #[arg(id = "number", value_name = "VERSION")]
        version: i64,
    },
    /// Delete a registered model and all its versions
    Delete {
        /// Registered model name
        name: String,
    },
    /// Rename a model, keeping its versions, tags and aliases
    Rename {
        /// Registered model name
        name: String,
        /// The new name (unique)
        new_name: String,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Log(a) => package::log(ctx, a)?,
        Cmd::Inspect(a) => package::inspect(ctx, a)?,
        Cmd::Register {
            source,
            name,
            description,
            tags,
        } => {
            let store = ctx.writable_store()?;
            let mut new = new_version(&store, &source)?;
            new.description = description;
            new.tags = tags;
            let v = store.create_model_version(&name, new)?;
            ctx.printer().status(format_args!(
                "Registered version {} of '{}'",
                v.version, v.name
            ));
            output::print(&format!("{}\n", v.version))?;
        }
        Cmd::Create {
            name,
            description,
            tags,
        } => {
            let store = ctx.writable_store()?;
            let m = store.create_registered_model(&name, description.as_deref(), &tags)?;
            ctx.printer()
                .status(format_args!("Created registered model '{}'", m.name));
        }
        Cmd::List {
            filter,
            order_by,
            max_results,
            format,
        } => {
            let text = filter.as_deref().unwrap_or("");
            let store = ctx.existing_store()?;
            let models = crate::app::registry::search_registered_models(
                &store,
                text,
                &order_by,
                0,
                max_results,
            )?
            .items;
            let mut rows = Vec::new();
            for m in models {
                let versions = store.model_versions(&m.name)?;
                rows.push((m, versions));
            }
            let text = output::render(
                format,
                || {
                    let mut l =
                        Listing::new(["name", "latest", "aliases", "updated", "description"]);
                    for (m, vs) in &rows {
                        l.row([
                            Cell::from(&m.name),
                            Cell::Id(
                                vs.first()
                                    .map(|v| v.version.to_string())
                                    .unwrap_or_default(),
                            ),
                            Cell::from(aliases_text(m)),
                            Cell::Time(m.last_updated_timestamp),
                            Cell::from(m.description.clone().unwrap_or_default()),
                        ]);
                    }
                    l
                },
                || {
                    serde_json::json!({"registered_models": rows.iter()
                        .map(|(m, vs)| json::registered_model(m, &latest_per_stage(vs)))
                        .collect::<Vec<_>>()})
                },
            );
            output::print(&text)?;
        }
        Cmd::Show { name, format } => {
            let store = ctx.existing_store()?;
            let m = store.registered_model(&name)?;
            let versions = store.model_versions(&name)?;
            let text = output::render(
                format,
                || versions_listing(&versions),
                || {
                    let mut v = json::registered_model(&m, &latest_per_stage(&versions));
                    v["versions"] = versions.iter().map(json::model_version).collect();
                    serde_json::json!({"registered_model": v})
                },
            );
            if format == Format::Table {
                ctx.printer().status(format_args!("{}", model_header(&m)));
            }
            output::print(&text)?;
        }
        Cmd::Version {
            model,
            version,
            format,
        } => {
            let store = ctx.existing_store()?;
            let v = match (model.starts_with("models:/"), version) {
                (true, None) => store.resolve_version(&ModelUri::parse(&model)?)?,
                (false, Some(n)) => store.model_version(&model, n)?,
                (true, Some(_)) => {
                    return Err(CliError::usage(
                        "give a models:/ URI or NAME VERSION, not both",
                    ));
                }
                (false, None) => {
                    return Err(CliError::usage("no version given")
                        .hint("mlt models version NAME VERSION, or models:/NAME@ALIAS"));
                }
            };
            let text = output::render(
                format,
                || version_detail(&v),
                || serde_json::json!({"model_version": json::model_version(&v)}),
            );
            output::print(&text)?;
        }
        Cmd::Resolve { uri } => {
            let store = ctx.existing_store()?;
            let p = store.model_files(&uri)?;
            output::print(&format!("{}\n", p.display()))?;
        }
        Cmd::Download { uri, dest } => {
            let store = ctx.existing_store()?;
            let dest = std::env::current_dir()?.join(dest);
            let out = store.download_model(&uri, None, &dest)?;
            output::print(&format!("{}\n", out.display()))?;
        }
        Cmd::SetDescription {
            name,
            text,
            target: VersionOpt { version },
        } => {
            let store = ctx.existing_store()?;
            match version {
                Some(v) => store.set_version_description(&name, v, Some(&text))?,
                None => store.set_model_description(&name, Some(&text))?,
            }
        }
        Cmd::DeleteDescription {
            name,
            target: VersionOpt { version },
        } => {
            let store = ctx.existing_store()?;
            match version {
                Some(v) => store.set_version_description(&name, v, None)?,
                None => store.set_model_description(&name, None)?,
            }
        }
        Cmd::SetTag {
            name,
            key,
            value,
            target: VersionOpt { version },
        } => {
            let store = ctx.existing_store()?;
            match version {
                Some(v) => store.set_version_tag(&name, v, &key, &value)?,
                None => store.set_model_tag(&name, &key, &value)?,
            }
        }
        Cmd::DeleteTag {
            name,
            key,
            target: VersionOpt { version },
        } => {
            let store = ctx.existing_store()?;
            match version {
                Some(v) => store.delete_version_tag(&name, v, &key)?,
                None => store.delete_model_tag(&name, &key)?,
            }
        }
        Cmd::SetAlias {
            name,
            alias,
            version,
        } => {
            let before = ctx.existing_store()?.set_alias(&name, &alias, version)?;
            match before {
                Some(b) if b != version => ctx.printer().status(format_args!(
                    "Moved {name}@{alias} from version {b} to version {version}"
                )),
                Some(_) => ctx.printer().status(format_args!(
                    "{name}@{alias} already points at version {version}"
                )),
                None => ctx
                    .printer()
                    .status(format_args!("Set {name}@{alias} to version {version}")),
            }
        }
        Cmd::GetAlias { name, alias } => {
            let v = ctx
                .existing_store()?
                .resolve_version(&ModelUri::Alias(name, alias))?;
            output::print(&format!("{}\n", v.version))?;
        }
        Cmd::DeleteAlias { name, alias } => {
            let v = ctx.existing_store()?.delete_alias(&name, &alias)?;
            ctx.printer()
                .status(format_args!("Deleted {name}@{alias} (was version {v})"));
        }
        Cmd::Stage {
            name,
            version,
            stage,
            archive_existing,
        } => {
            let st = Stage::parse_user(&stage).ok_or_else(|| {
                CliError::usage(format!(
                    "unknown stage '{stage}': expected None, Staging, Production or Archived"
                ))
            })?;
            let archived =
                ctx.existing_store()?
                    .transition_stage(&name, version, st, archive_existing)?;
            for a in archived {
                ctx.printer()
                    .status(format_args!("Archived version {a} of '{name}'"));
            }
            ctx.printer()
                .status(format_args!("Version {version} of '{name}' is now in {st}"));
        }
        Cmd::DeleteVersion { name, version } => {
            let removed = ctx.existing_store()?.delete_model_version(&name, version)?;
            for a in removed {
                ctx.printer()
                    .status(format_args!("Deleted alias {name}@{a}"));
            }
            ctx.printer()
                .status(format_args!("Deleted version {version} of '{name}'"));
        }
        Cmd::Delete { name } => {
            ctx.existing_store()?.delete_registered_model(&name)?;
            ctx.printer()
                .status(format_args!("Deleted registered model '{name}'"));
        }
        Cmd::Rename { name, new_name } => {
            let m = ctx
                .existing_store()?
                .rename_registered_model(&name, &new_name)?;
            ctx.printer().status(format_args!(
                "Renamed registered model '{name}' to '{}'",
                m.name
            ));
        }
    }
    Ok(())
}

/// What a new version is made of: the run or model a URI names, or a local folder to copy.
fn new_version(store: &Store, source: &str) -> Result<NewVersion, CliError> {
    if let Some(new) = crate::app::registry::version_from_uri(store, source)? {
        return Ok(new);
    }
    if source.contains(":/") && !source.starts_with("file:") {
        return Err(CliError::usage(format!(
            "cannot register '{source}': expected runs:/, models:/ or a local folder"
        )));
    }
    let path = crate::store::local_path_of_uri(source)
        .ok_or_else(|| CliError::usage(format!("'{source}' is not a local path")))?;
    let path = std::env::current_dir()?.join(path);
    if !path.is_dir() {
        return Err(CliError::failure(format!(
            "{} is not a folder",
            path.display()
        )));
    }
    Ok(NewVersion {
        // Filled in by the store: the copy's store-relative location.
        source: String::new(),
        copy_from: Some(path),
        ..Default::default()
    })
}

fn aliases_text(m: &RegisteredModel) -> String {
    m.aliases
        .iter()
        .map(|(a, v)| format!("@{a}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn model_header(m: &RegisteredModel) -> String {
    let mut s = format!("Model '{}'", m.name);
    if let Some(d) = &m.description {
        s.push_str(&format!(": {d}"));
    }
    if !m.tags.is_empty() {
        let tags: Vec<String> = m.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(" [{}]", tags.join(", ")));
    }
    s
}

fn versions_listing(versions: &[ModelVersion]) -> Listing {
    let mut l = Listing::new(["version", "stage", "aliases", "created", "run", "source"]);
    for v in versions {
        l.row([
            Cell::Id(v.version.to_string()),
            Cell::from(v.current_stage.to_string()),
            Cell::from(
                v.aliases
                    .iter()
                    .map(|a| format!("@{a}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Cell::Time(v.creation_timestamp),
            Cell::Id(v.run_id.clone().unwrap_or_default()),
            Cell::from(&v.source),
        ]);
    }
    l
}

fn version_detail(v: &ModelVersion) -> Listing {
    let mut l = Listing::new(["field", "value"]);
    l.row(["name", &v.name]);
    l.row([Cell::from("version"), Cell::Id(v.version.to_string())]);
    l.row(["current_stage", v.current_stage.as_str()]);
    l.row(["aliases".to_string(), v.aliases.join(" ")]);
    l.row([
        "description".to_string(),
        v.description.clone().unwrap_or_default(),
    ]);
    l.row(["source", &v.source]);
    l.row([
        "storage_location".to_string(),
        v.storage_location.clone().unwrap_or_default(),
    ]);
    l.row([
        Cell::from("run_id"),
        Cell::Id(v.run_id.clone().unwrap_or_default()),
    ]);
    l.row([
        Cell::from("model_id"),
        Cell::Id(v.model_id.clone().unwrap_or_default()),
    ]);
    l.row(["status", &v.status]);
    l.row([Cell::from("created"), Cell::Time(v.creation_timestamp)]);
    l.row([Cell::from("updated"), Cell::Time(v.last_updated_timestamp)]);
    for (k, val) in &v.tags {
        l.row([format!("tags.{k}"), val.clone()]);
    }
    l
}
