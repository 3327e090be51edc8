// The Korean UI: the translation the build makes from resources/translations/tessera_ko.ts is
// found and installed for a Korean locale or choice, panel names arrive translated, English
// stays English, and every translation keeps its source's placeholders (%1, %n) — a dropped
// one would lose a file name or number from a message.

#include "Studio.h"

#include "tessera/plugins/PluginManager.h"

#include <QApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <set>

using namespace tessera;

namespace {
std::multiset<QString> placeholders(const QString &text)
{
    std::multiset<QString> found;
    static const QRegularExpression marker(QStringLiteral("%(\\d+|n)"));
    for (auto it = marker.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(0));
    return found;
}
} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        qputenv("TESSERA_TRANSLATION_PATH", TESSERA_BINARY_DIR "/share/tessera/translations");
    }

    void placeholdersSurviveTranslation()
    {
        QFile file(TESSERA_SOURCE_DIR "/resources/translations/tessera_ko.ts");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        QString source;
        int checked = 0;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation") || xml.name() == QLatin1String("numerusform")) {
                const bool unfinished = xml.attributes().value("type") == QLatin1String("unfinished");
                const QString translation = xml.readElementText(QXmlStreamReader::SkipChildElements).trimmed();
                if (unfinished || translation.isEmpty()) // a numerus message: its forms follow
                    continue;
                ++checked;
                QVERIFY2(placeholders(source) == placeholders(translation), qPrintable(source + " -> " + translation));
            }
        }
        QVERIFY(!xml.hasError());
        QVERIFY2(checked >= 150, qPrintable(QString::number(checked)));
    }

    void koreanChoiceTranslatesPanelNames()
    {
        QSettings().setValue("view/language", "ko");
        QCOMPARE(app::Studio::installTranslations(*qApp), QString("ko"));
        QCOMPARE(QCoreApplication::translate("tessera::app::MainWindow", "&File"), QString("파일(&F)"));
        plugins::PluginManager manager;
        QVERIFY(manager.loadAll({TESSERA_PLUGIN_DIR}) >= 1);
        QCOMPARE(manager.panel("tokenizers")->title, QString("토크나이저 실험실"));
        QCOMPARE(manager.panel("attention")->title, QString("어텐션"));
        QCOMPARE(manager.panel("pe")->title, QString("위치 인코딩"));
    }

    void englishStaysEnglish()
    {
        for (QTranslator *translator : qApp->findChildren<QTranslator *>())
            QCoreApplication::removeTranslator(translator);
        QSettings().setValue("view/language", "en");
        QCOMPARE(app::Studio::installTranslations(*qApp), QString("en"));
        QCOMPARE(QCoreApplication::translate("tessera::app::MainWindow", "&File"), QString("&File"));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
