# ecert_embed(TARGET SYMBOL FILE): compile FILE into TARGET as
#   const unsigned char SYMBOL[]; const size_t SYMBOL_len;
# (NUL-terminated, the terminator not counted). The data files under schemas/ are the
# source of truth; the programs carry a copy made at build time, never a hand-written one.
set(ECERT_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed-file.cmake)
function(ecert_embed target symbol file)
  get_filename_component(abs ${file} ABSOLUTE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embed/${symbol}.c)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${abs} -DOUT=${out} -DSYM=${symbol} -P ${ECERT_EMBED_SCRIPT}
    DEPENDS ${abs} ${ECERT_EMBED_SCRIPT}
    COMMENT "Embedding ${file} as ${symbol}" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
