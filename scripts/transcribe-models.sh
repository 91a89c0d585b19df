#!/bin/sh
# Maintainer tool: write share/models/<name>/config.json holding only the
# HuggingFace fields rooftrace's model reads, transcribed from a directory
# of full configs (such as BLIS's model_configs).  Usage:
#   scripts/transcribe-models.sh ../shared/reference/blis/model_configs
set -eu
src=${1:?usage: transcribe-models.sh MODEL_CONFIGS_DIR}
keep='["model_type","num_hidden_layers","hidden_size","vocab_size",
 "num_attention_heads","num_key_value_heads","num_kv_heads",
 "multi_query_group_num","torch_dtype","dtype","intermediate_size",
 "ffn_hidden_size","num_local_experts","num_routed_experts",
 "n_routed_experts","num_experts","num_experts_per_tok",
 "moe_intermediate_size","shared_expert_intermediate_size",
 "n_shared_experts","hidden_act","interleave_moe_layer_step",
 "intermediate_size_mlp"]'
for cfg in "$src"/*/config.json; do
	name=$(basename "$(dirname "$cfg")")
	mkdir -p "share/models/$name"
	jq --argjson keep "$keep" '
	  def pick: with_entries(select(.key as $k | $keep | index($k)));
	  def quant: if type == "object" then
	      {quant_method, bits} + (if .config_groups then
	        {config_groups: (.config_groups | map_values(
	          {weights: {num_bits: .weights.num_bits}}))} else {} end)
	      | with_entries(select(.value != null)) else empty end;
	  (pick)
	  + (if .text_config then {text_config: (.text_config | pick)} else {} end)
	  + (if .quantization_config then
	      {quantization_config: (.quantization_config | quant)} else {} end)
	' "$cfg" > "share/models/$name/config.json"
done
