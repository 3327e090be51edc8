// Registers the tokenizer lab panel ("tokenizers").

#include "TokenizerLabPanel.h"

#include "tessera/plugins/PanelPlugin.h"

TESSERA_PANEL_PLUGIN(TokenizerLabPlugin, tessera::tokenizerlab::TokenizerLabPanel)

#include "TokenizerLabPlugin.moc"
