/** The knowledge engine: build one with {@link buildKnowledgeEngine}. */
export { buildKnowledgeEngine } from './knowledge-engine';
export { DEFAULT_KNOWLEDGE_ENGINE_OPTIONS, type KnowledgeEngineOptions, knowledgeEngineOptionsSchema } from './options';
