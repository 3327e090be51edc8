#include "TrainingComputation.h"

#include "tessera/core/Model.h"
#include "tessera/core/Training.h"
#include "tessera/core/Tokenizer.h"

#include <memory>

namespace tessera::training {

std::string sampleText(const std::string &folder, const std::string &prompt, uint64_t seed, JobContext &context)
{
    const std::unique_ptr<Model> model = loadModel(folder, &context);
    const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(folder);
    return generateText(*model, *tokenizer, prompt, 200, 0.8, 40, seed, &context);
}

} // namespace tessera::training
