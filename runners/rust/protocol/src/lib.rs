//! The bindbench runner protocol (docs/protocol.md) for runners written in Rust. The TypeScript schemas in
//! src/protocol/ are the source of truth; this crate mirrors them and adds the file handling every runner needs.

pub mod error;
pub mod events;
pub mod files;
pub mod inference;
pub mod model;
pub mod request;
pub mod runner;
pub mod shapes;

pub use error::{Context, ErrorKind, RunnerError, RunnerResult};
pub use events::{DeviceInfo, EpochEvent, EventWriter, InferenceEvent, Settings, Split, StartEvent};
pub use model::{Activation, Layer, ModelSpec, NativeOr, Output, Padding};
pub use request::{ArtifactFormat, DeviceKind, Loss, Mode, OptimizerName, Request, Source, Style, PROTOCOL_VERSION};
pub use runner::Runner;
pub use shapes::Shape;

/// The zoo's specs as JSON (runners/rust/fixtures, kept equal to src/zoo/models.ts by a TS test), for tests.
pub mod fixtures {
    pub const LENET1: &str = include_str!("../../fixtures/lenet1.json");
    pub const LENET5: &str = include_str!("../../fixtures/lenet5.json");
    pub const VGG16: &str = include_str!("../../fixtures/vgg16.json");
    pub const LSTM: &str = include_str!("../../fixtures/lstm.json");
    pub const GRU: &str = include_str!("../../fixtures/gru.json");
    pub const GRU_RESET_BEFORE: &str = include_str!("../../fixtures/gru-reset-before.json");
    pub const BERT_MINILM: &str = include_str!("../../fixtures/bert-minilm.json");

    /// A complete train request around `model_json`, shaped as src/protocol/request.ts.
    pub fn train_request_json(model_json: &str) -> String {
        format!(
            r#"{{
              "protocol": 2, "run_id": "r1", "binding": "pytorch/rust", "mode": "train",
              "model": {model_json},
              "hyper": {{ "epochs": 2, "batch_size": 128, "optimizer": {{ "name": "sgd", "learning_rate": 0.05 }},
                          "loss": "sparse_categorical_crossentropy" }},
              "data": {{ "id": "mnist", "train": {{ "path": "/d/train.safetensors", "sha256": "ab" }},
                         "test": {{ "path": "/d/test.safetensors", "sha256": "cd" }}, "train_limit": null }},
              "seed": 7, "device": "cpu", "data_order": "shared",
              "order": {{ "path": "/d/order.safetensors", "sha256": "ef" }}, "style": "minimal",
              "init": "shared", "init_weights": {{ "path": "/d/init.safetensors", "sha256": "01" }},
              "output_dir": "/tmp/out", "artifacts": ["safetensors", "torch-state-dict"], "weights": null,
              "inference": {{ "warmup": 1, "repetitions": 3, "batch_size": 1000, "include_train": false }},
              "record_step_losses": 10
            }}"#
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn spec(json: &str) -> ModelSpec {
        serde_json::from_str(json).expect("fixture spec parses")
    }

    #[test]
    fn canonical_parameter_counts_match_the_zoo() {
        assert_eq!(spec(fixtures::LENET1).parameter_count().unwrap(), 4326);
        assert_eq!(spec(fixtures::LENET5).parameter_count().unwrap(), 61706);
    }

    #[test]
    fn a_recurrent_gate_setting_is_read_past_since_tch_has_only_the_sigmoid() {
        // The paper preset's `native` and the controlled preset's `sigmoid` are both the sigmoid in tch.
        for gates in ["native", "sigmoid"] {
            let json = fixtures::LSTM.replace("\"units\": 512", &format!("\"units\": 512, \"recurrent_activation\": \"{gates}\""));
            assert_ne!(json, fixtures::LSTM, "the fixture names the LSTM's units");
            assert_eq!(spec(&json).parameter_count().unwrap(), 4_665_537);
        }
    }

    #[test]
    fn canonical_parameter_counts_of_the_study_models_match_the_zoo() {
        let vgg = spec(fixtures::VGG16);
        assert_eq!(vgg.parameter_count().unwrap(), 33_650_890);
        assert_eq!(vgg.non_trainable_count().unwrap(), 8_448);
        assert_eq!(spec(fixtures::LSTM).parameter_count().unwrap(), 4_665_537);
        assert_eq!(spec(fixtures::GRU).parameter_count().unwrap(), 4_250_817);
        assert_eq!(spec(fixtures::GRU_RESET_BEFORE).parameter_count().unwrap(), 4_249_281);
        assert_eq!(spec(fixtures::BERT_MINILM).parameter_count().unwrap(), 22_713_601);
        for json in [fixtures::LSTM, fixtures::GRU, fixtures::BERT_MINILM] {
            let s = spec(json);
            assert!(s.is_binary() && s.takes_tokens(), "{}", s.id);
            assert_eq!(s.output_width(), 1);
            assert_eq!(s.non_trainable_count().unwrap(), 0);
        }
    }

    #[test]
    fn recurrent_and_batch_norm_parameters_are_in_keras_layout() {
        let shapes = |json| -> Vec<(String, Vec<usize>, bool)> {
            spec(json)
                .canonical_parameters()
                .unwrap()
                .into_iter()
                .map(|p| (p.name, p.shape, p.trainable))
                .collect()
        };
        let gru = shapes(fixtures::GRU);
        assert_eq!(gru[0], ("embedding.embeddings".into(), vec![10000, 300], true));
        assert_eq!(gru[1], ("gru.kernel".into(), vec![300, 1536], true));
        assert_eq!(gru[2], ("gru.recurrent_kernel".into(), vec![512, 1536], true));
        assert_eq!(gru[3], ("gru.bias".into(), vec![2, 1536], true));
        assert_eq!(shapes(fixtures::GRU_RESET_BEFORE)[3].1, vec![1536]);
        assert_eq!(shapes(fixtures::LSTM)[3], ("lstm.bias".into(), vec![2048], true));
        let vgg = shapes(fixtures::VGG16);
        assert_eq!(vgg[0], ("conv1.weight".into(), vec![64, 3, 3, 3], true));
        assert_eq!(vgg[3], ("bn1.moving_mean".into(), vec![64], false));
        assert_eq!(vgg.last().unwrap(), &("fc3.bias".to_string(), vec![10], true));
    }

    #[test]
    fn batch_norm_settings_are_numbers_or_native() {
        let vgg = spec(fixtures::VGG16);
        let Some(Layer::BatchNorm { momentum, epsilon, .. }) = vgg.layers.get(1).cloned() else {
            panic!("layer 1 of vgg16 is a batch norm");
        };
        assert_eq!((momentum.or(0.9), epsilon.or(1e-5)), (0.9, 1e-5));
        let set: NativeOr = serde_json::from_str("0.99").unwrap();
        assert_eq!(set.or(0.9), 0.99);
        assert!(serde_json::from_str::<NativeOr>(r#""default""#).is_err());
    }

    #[test]
    fn a_loss_that_does_not_fit_the_output_is_a_bad_request() {
        let base = fixtures::train_request_json(fixtures::LSTM);
        let err = Request::from_json(&base).unwrap_err();
        assert!(err.message.contains("needs 'binary_crossentropy'"), "{}", err.message);
        let fixed = base.replace("sparse_categorical_crossentropy", "binary_crossentropy");
        let r =
            Request::from_json(&fixed.replace(r#""train_limit": null"#, r#""train_limit": null, "test_limit": 50"#))
                .unwrap();
        assert_eq!(r.data.test_limit, Some(50));
        assert_eq!(r.hyper.optimizer.beta_1, None);
    }

    #[test]
    fn canonical_layouts_are_oihw_and_out_in_with_a_channel_major_flatten() {
        let params = spec(fixtures::LENET1).canonical_parameters().unwrap();
        let shapes: Vec<(&str, Vec<usize>)> = params.iter().map(|p| (p.name.as_str(), p.shape.clone())).collect();
        assert_eq!(
            shapes,
            vec![
                ("conv1.weight", vec![4, 1, 5, 5]),
                ("conv1.bias", vec![4]),
                ("conv2.weight", vec![12, 4, 5, 5]),
                ("conv2.bias", vec![12]),
                // 12 channels x 5 x 5 after the second pool.
                ("fc1.weight", vec![10, 300]),
                ("fc1.bias", vec![10]),
            ]
        );
    }

    #[test]
    fn a_spec_whose_layers_do_not_fit_is_refused() {
        let mut s = spec(fixtures::LENET1);
        s.layers.retain(|l| !matches!(l, Layer::Flatten));
        let err = s.canonical_parameters().unwrap_err();
        assert!(err.contains("cannot follow"), "{err}");
    }

    #[test]
    fn a_full_request_parses() {
        let r = Request::from_json(&fixtures::train_request_json(fixtures::LENET1)).unwrap();
        assert_eq!(r.mode, Mode::Train);
        assert_eq!(r.hyper.optimizer.name, OptimizerName::Sgd);
        assert_eq!(
            r.artifacts,
            vec![ArtifactFormat::Safetensors, ArtifactFormat::TorchStateDict]
        );
        assert_eq!(r.data.train_limit, None);
        assert_eq!(r.record_step_losses, 10);
        assert!(r.expect_binding(&["pytorch/rust"]).is_ok());
        assert_eq!(
            r.expect_binding(&["tensorflow/rust"]).unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }

    #[test]
    fn test_every_picks_every_kth_epoch_and_the_last_and_zero_is_a_bad_request() {
        let base = fixtures::train_request_json(fixtures::LENET1).replace(r#""epochs": 2"#, r#""epochs": 7"#);
        let after = |r: &Request| (1..=7).filter(|e| r.evaluates_test_after(*e)).collect::<Vec<_>>();
        assert_eq!(after(&Request::from_json(&base).unwrap()), (1..=7).collect::<Vec<_>>(), "absent: every epoch");
        let every3 = base.replace(r#""record_step_losses": 10"#, r#""record_step_losses": 10, "test_every": 3"#);
        assert_eq!(after(&Request::from_json(&every3).unwrap()), vec![3, 6, 7]);
        let zero = base.replace(r#""record_step_losses": 10"#, r#""record_step_losses": 10, "test_every": 0"#);
        let err = Request::from_json(&zero).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadRequest);
        assert!(err.message.contains("test_every"), "{}", err.message);
    }

    #[test]
    fn requests_breaking_the_cross_field_rules_are_bad_requests() {
        let base = fixtures::train_request_json(fixtures::LENET1);
        for (from, to, needle) in [
            (
                r#""protocol": 2"#,
                r#""protocol": 1"#,
                "protocol 1 is not this runner's protocol 2",
            ),
            (r#""order": {"#, r#""order": null, "x": {"#, "order is null"),
            (r#""mode": "train""#, r#""mode": "infer""#, "needs weights"),
            (r#""device": "cpu""#, r#""device": "tpu""#, "unknown variant"),
        ] {
            assert!(base.contains(from), "fixture contains {from}");
            let err = Request::from_json(&base.replacen(from, to, 1)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::BadRequest);
            assert!(err.message.contains(needle), "{needle} in {}", err.message);
        }
    }

    #[test]
    fn the_style_is_parsed_and_a_missing_or_unknown_one_is_a_bad_request_naming_the_allowed_values() {
        let base = fixtures::train_request_json(fixtures::LENET1);
        let style = r#""style": "minimal","#;
        assert!(base.contains(style), "fixture contains {style}");
        assert_eq!(Request::from_json(&base).unwrap().style, Style::Minimal);
        let idiomatic = base.replace(style, r#""style": "idiomatic","#);
        assert_eq!(Request::from_json(&idiomatic).unwrap().style, Style::Idiomatic);
        for (to, got) in [
            ("", "it is missing"),
            (r#""style": "fast","#, r#"got "fast""#),
            (r#""style": null,"#, "got null"),
            (r#""style": "Minimal","#, r#"got "Minimal""#),
        ] {
            let err = Request::from_json(&base.replace(style, to)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::BadRequest);
            assert!(
                err.message.contains("style must be 'minimal' or 'idiomatic'") && err.message.contains(got),
                "{got}: {}",
                err.message
            );
        }
        // A protocol-1 request (which has no style) is refused for its version, as before protocol 2.
        let version_1 = base.replace(style, "").replace(r#""protocol": 2"#, r#""protocol": 1"#);
        let err = Request::from_json(&version_1).unwrap_err();
        assert!(
            err.message.contains("protocol 1 is not this runner's protocol 2"),
            "{}",
            err.message
        );
    }

    #[test]
    fn events_are_one_json_object_per_line() {
        let mut w = EventWriter::new(Vec::new());
        w.step(0, 2.5).unwrap();
        w.end(1.5, 2.0).unwrap();
        let text = String::from_utf8(w.into_inner()).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0], serde_json::json!({"type": "step", "step": 0, "loss": 2.5}));
        assert_eq!(
            lines[1],
            serde_json::json!({"type": "end", "train_seconds": 1.5, "wall_seconds": 2.0})
        );
    }

    #[test]
    fn a_non_finite_loss_is_a_nan_loss_error_and_never_written() {
        let mut w = EventWriter::new(Vec::new());
        assert_eq!(w.step(3, f64::NAN).unwrap_err().kind, ErrorKind::NanLoss);
        let epoch = EpochEvent {
            epoch: 1,
            train_accuracy: 0.1,
            test_accuracy: Some(0.1),
            loss: f64::INFINITY,
            train_seconds: 1.0,
            eval_seconds: 1.0,
        };
        assert_eq!(w.epoch(&epoch).unwrap_err().kind, ErrorKind::NanLoss);
        assert!(w.into_inner().is_empty());
    }

    #[test]
    fn pixel_scaling_in_float32_equals_scaling_in_float64_then_rounding() {
        // numpy computes x / 255 in float64 and casts; the runners divide in float32. Both must agree on all bytes.
        for v in 0..=255u8 {
            assert_eq!(files::scale_pixel(v), (v as f64 / 255.0) as f32, "byte {v}");
        }
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            files::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn argmax_takes_the_first_of_equal_maxima() {
        assert_eq!(files::argmax(&[0.0, 2.0, 2.0, 1.0]), 1);
        assert_eq!(files::count_correct(&[0.0, 1.0, 5.0, 1.0], 2, &[1, 1]), 1);
    }

    #[test]
    fn token_data_must_fit_the_models_vocabulary_and_input_kind() {
        let lstm = spec(fixtures::LSTM);
        let tokens = |ids: Vec<i32>| files::DataSplit {
            n: 1,
            example_shape: vec![300],
            x: files::Inputs::Tokens(ids),
            y: vec![1],
        };
        let mut ids = vec![0; 300];
        ids[0] = 1;
        ids[299] = 9_999;
        tokens(ids.clone()).check_fits(&lstm, "test data").unwrap();
        ids[5] = 10_000;
        let err = tokens(ids).check_fits(&lstm, "test data").unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadRequest);
        assert!(
            err.message
                .contains("token id 10000 is outside the vocabulary 0..10000"),
            "{}",
            err.message
        );
        let images = files::DataSplit {
            n: 1,
            example_shape: vec![300],
            x: files::Inputs::Pixels(vec![0; 300]),
            y: vec![1],
        };
        let err = images.check_fits(&lstm, "test data").unwrap_err();
        assert!(err.message.contains("takes token ids"), "{}", err.message);
    }

    #[test]
    fn one_sigmoid_logit_predicts_1_only_above_0() {
        assert_eq!(files::count_correct(&[0.5, 0.0, -0.1, 3.0], 1, &[1, 0, 0, 0]), 3);
    }

    fn temp_path(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("bindbench-protocol-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn logits_written_as_safetensors_read_back_with_their_shape() {
        let path = temp_path("logits.safetensors");
        files::write_logits(&path, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3).unwrap();
        let shapes = files::tensor_shapes(&path).unwrap();
        assert_eq!(shapes["logits"], ("F32".to_string(), vec![2, 3]));
    }

    #[test]
    fn canonical_weight_files_are_checked_by_name_dtype_and_shape() {
        let model = spec(fixtures::LENET1);
        let good: Vec<(String, Vec<f32>, Vec<usize>)> = model
            .canonical_parameters()
            .unwrap()
            .into_iter()
            .map(|p| (p.name.clone(), vec![0.0; p.numel()], p.shape.clone()))
            .collect();
        let write = |path: &std::path::Path, tensors: &[(String, Vec<f32>, Vec<usize>)]| {
            let refs: Vec<(&str, &[f32], Vec<usize>)> = tensors
                .iter()
                .map(|(n, d, s)| (n.as_str(), d.as_slice(), s.clone()))
                .collect();
            files::write_f32_tensors(path, &refs).unwrap();
        };
        let path = temp_path("good.safetensors");
        write(&path, &good);
        files::check_canonical_weights(&path, &model).unwrap();

        let mut transposed = good.clone();
        let fc = transposed.iter_mut().find(|t| t.0 == "fc1.weight").unwrap();
        fc.2 = vec![300, 10];
        let path = temp_path("transposed.safetensors");
        write(&path, &transposed);
        let err = files::check_canonical_weights(&path, &model).unwrap_err();
        assert!(
            err.message.contains("fc1.weight is [300, 10], expected [10, 300]"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_file_whose_checksum_differs_is_a_bad_request() {
        let path = temp_path("data.bin");
        std::fs::File::create(&path).unwrap().write_all(b"abc").unwrap();
        let file = request::TensorFile {
            path: path.clone(),
            sha256: "00".into(),
        };
        let err = files::read_verified(&file, "training data").unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadRequest);
        assert!(err.message.contains("ba7816bf"), "{}", err.message);
    }

    #[test]
    fn shared_orders_must_be_permutations() {
        let write_order = |name: &str, rows: &[i32], shape: Vec<usize>| {
            let path = temp_path(name);
            let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
            let view = safetensors::tensor::TensorView::new(safetensors::Dtype::I32, shape, &bytes).unwrap();
            safetensors::tensor::serialize_to_file(vec![("order", view)], &None, &path).unwrap();
            let sha256 = files::sha256_hex(&std::fs::read(&path).unwrap());
            request::TensorFile { path, sha256 }
        };
        let ok = write_order("order-ok.safetensors", &[2, 0, 1, 1, 2, 0], vec![2, 3]);
        let order = files::SharedOrder::read(&ok, 2, 3).unwrap();
        assert_eq!(order.epoch(2), &[1, 2, 0]);
        let dup = write_order("order-dup.safetensors", &[2, 0, 1, 1, 1, 0], vec![2, 3]);
        assert!(files::SharedOrder::read(&dup, 2, 3)
            .unwrap_err()
            .message
            .contains("not a permutation"));
        assert!(files::SharedOrder::read(&ok, 3, 3)
            .unwrap_err()
            .message
            .contains("at least [3, 3]"));
    }
}
