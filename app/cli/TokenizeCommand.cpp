// tessera-cli tokenize: one JSON object (ids, tokens, offsets, type ids, decoded) per input line.

#include "Arguments.h"
#include "Commands.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Tokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <fstream>
#include <memory>

namespace tessera::app {

extern const char tokenizeHelp[] =
    "  tokenize --tokenizer DIR|FILE --text-file FILE [--no-special] [--pair]\n"
    "                 One JSON object per input line: ids, tokens, offsets (code points),\n"
    "                 type_ids, decoded. DIR is a checkpoint folder; FILE a tokenizer.json,\n"
    "                 vocab.txt, vocab.json or merges.txt. --pair encodes lines as\n"
    "                 sentence pairs separated by a tab.\n";

int tokenizeCommand(Studio &, const QStringList &arguments)
{
    QString tokenizerPath;
    QString textPath;
    bool special = true;
    bool pairs = false;
    Arguments reader(arguments);
    while (!reader.atEnd()) {
        if (reader.flag("--no-special"))
            special = false;
        else if (reader.flag("--pair"))
            pairs = true;
        else if (reader.value("--tokenizer", tokenizerPath) || reader.value("--text-file", textPath)) {
        } else
            return reader.unexpected(QStringLiteral("tokenize: "));
    }
    if (tokenizerPath.isEmpty() || textPath.isEmpty())
        return usageError(QStringLiteral("tokenize needs --tokenizer DIR|FILE and --text-file FILE"));
    try {
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(tokenizerPath.toStdString());
        // Streamed line by line (100 MB of text used to peak at 8.3 GB read whole), each line at
        // most kMaxLineBytes: one line's tokens, offsets and JSON cost a few hundred bytes a byte.
        requireRegularFile(textPath.toStdString());
        std::ifstream in(textPath.toStdString(), std::ios::binary);
        if (!in)
            return failure(QStringLiteral("%1: cannot open the text file").arg(textPath));
        constexpr size_t kMaxLineBytes = size_t(1) << 20;
        std::string line;
        int lineNumber = 0;
        while (std::getline(in, line)) {
            ++lineNumber;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.size() > kMaxLineBytes)
                return failure(QStringLiteral("%1: line %2 is %3 bytes; tokenize takes lines of at most 1 MiB "
                                              "(one text per line: split it)")
                                   .arg(textPath)
                                   .arg(lineNumber)
                                   .arg(line.size()));
            Encoding encoding;
            try {
                if (pairs) {
                    const size_t tab = line.find('\t');
                    if (tab == std::string::npos)
                        throw Error("--pair expects two sentences separated by a tab");
                    encoding = tokenizer->encodePair(line.substr(0, tab), line.substr(tab + 1), special);
                } else {
                    encoding = tokenizer->encode(line, special);
                }
            } catch (const Error &error) {
                return failure(QStringLiteral("%1: line %2: %3")
                                   .arg(textPath)
                                   .arg(lineNumber)
                                   .arg(QString::fromStdString(error.reason())));
            }
            QJsonArray ids, tokens, offsets, typeIds;
            for (size_t i = 0; i < encoding.ids.size(); ++i) {
                ids.append(qint64(encoding.ids[i]));
                tokens.append(QString::fromStdString(encoding.tokens[i]));
                offsets.append(QJsonArray{qint64(encoding.offsets[i].first), qint64(encoding.offsets[i].second)});
                typeIds.append(qint64(encoding.typeIds[i]));
            }
            QJsonObject object;
            object["ids"] = ids;
            object["tokens"] = tokens;
            object["offsets"] = offsets;
            object["type_ids"] = typeIds;
            object["decoded"] = QString::fromStdString(tokenizer->decode(encoding.ids, true));
            std::fwrite(QJsonDocument(object).toJson(QJsonDocument::Compact).constData(), 1,
                        size_t(QJsonDocument(object).toJson(QJsonDocument::Compact).size()), stdout);
            std::fputc('\n', stdout);
        }
    } catch (const Error &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

} // namespace tessera::app
