//! Canonical safetensors files in and out of a tch VarStore, through `layout.rs`. Loading checks the file
//! first (exact canonical names, F32, canonical shapes), so a layout mistake is reported by name rather than
//! surfacing as a broadcast in `copy_`.

use std::collections::HashMap;
use std::path::Path;

use bindbench_protocol::files::check_canonical_weights;
use bindbench_protocol::{Context, ModelSpec, RunnerError, RunnerResult};
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

use crate::layout;

pub fn load(vs: &VarStore, spec: &ModelSpec, path: &Path) -> RunnerResult<()> {
    check_canonical_weights(path, spec)?;
    let canonical: HashMap<String, Tensor> = Tensor::read_safetensors(path)
        .context(|| format!("Tensor::read_safetensors({})", path.display()))?
        .into_iter()
        .collect();
    let native = layout::canonical_to_tch(spec, &canonical)?;
    let vars = vs.variables();
    if native.len() != vars.len() {
        // A variable without a value would silently keep its initial one.
        return Err(RunnerError::failed(format!(
            "the canonical weights of {} give {} tch variables, the net has {}",
            spec.id,
            native.len(),
            vars.len()
        )));
    }
    tch::no_grad(|| {
        for (name, value) in native {
            let mut var = vars
                .get(&name)
                .ok_or_else(|| RunnerError::failed(format!("the tch net has no variable {name}")))?
                .shallow_clone();
            if var.size() != value.size() {
                return Err(RunnerError::failed(format!(
                    "{name}: canonical value is {:?}, the tch variable {:?}",
                    value.size(),
                    var.size()
                )));
            }
            var.f_copy_(&value)
                .context(|| format!("copying {name} into the VarStore"))?;
        }
        Ok(())
    })
}

pub fn save(vs: &VarStore, spec: &ModelSpec, path: &Path) -> RunnerResult<()> {
    let canonical: Vec<(String, Tensor)> = layout::tch_to_canonical(spec, &vs.variables())?
        .into_iter()
        .map(|(name, t)| (name, t.to_device(Device::Cpu).to_kind(Kind::Float).contiguous()))
        .collect();
    Tensor::write_safetensors(&canonical, path).context(|| format!("Tensor::write_safetensors({})", path.display()))
}
