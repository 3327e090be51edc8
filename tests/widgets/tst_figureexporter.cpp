// The exporter writes valid PNG, SVG, PDF and CSV files of the requested size, keeps text
// as text in vector formats and never leaves a half-written file.

#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/LinePlotView.h"

#include <QDomDocument>
#include <QImageReader>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;
using namespace tessera::widgets;

namespace {
std::unique_ptr<LinePlotView> makeLinePlot()
{
    auto view = std::make_unique<LinePlotView>();
    view->setFigureTitle("Export test \uace0\uc591\uc774"); // Hangul in the title
    view->setAxisTitles("position", "value");
    Series a;
    a.name = "sin";
    a.x = {0, 1, 2, 3};
    a.y = {0, 0.84, 0.91, 0.14};
    Series b;
    b.name = "cos";
    b.x = a.x;
    b.y = {1, 0.54, -0.42, -0.99};
    view->setSeries({a, b});
    return view;
}
QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

class TestFigureExporter : public QObject {
    Q_OBJECT
private slots:
    void png()
    {
        QTemporaryDir dir;
        auto view = makeLinePlot();
        const QString path = dir.filePath("figure.png");
        ExportOptions options;
        options.size = QSize(640, 480);
        options.dpi = 300;
        QCOMPARE(exportFigure(*view, path, ExportFormat::Png, options), QString());
        QImageReader reader(path);
        QCOMPARE(reader.format(), QByteArray("png"));
        const QImage image = reader.read();
        QCOMPARE(image.size(), QSize(2000, 1500)); // 640 x 480 at 300 / 96
        QCOMPARE(std::lround(image.dotsPerMeterX() * 0.0254), 300L);
        // Something was drawn: not a blank page.
        QSet<QRgb> colours;
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, image.height() / 2));
        QVERIFY(colours.size() > 2);
    }

    void svgKeepsTextAsText()
    {
        QTemporaryDir dir;
        auto view = makeLinePlot();
        const QString path = dir.filePath("figure.svg");
        ExportOptions options;
        options.size = QSize(700, 500);
        QCOMPARE(exportFigure(*view, path, ExportFormat::Svg, options), QString());
        QDomDocument document;
        QVERIFY(document.setContent(readAll(path)));
        const QDomElement svg = document.documentElement();
        QCOMPARE(svg.tagName(), QString("svg"));
        QVERIFY2(svg.attribute("width").startsWith("700") || svg.attribute("viewBox").contains("700"),
                 qPrintable(svg.attribute("width")));
        QVERIFY(svg.attribute("viewBox").contains("700") && svg.attribute("viewBox").contains("500"));
        const QDomNodeList texts = document.elementsByTagName("text");
        QVERIFY2(texts.count() > 5, "axis labels should be <text> elements");
        QString allText;
        for (int i = 0; i < texts.count(); ++i)
            allText += texts.at(i).toElement().text();
        QVERIFY(allText.contains("position"));
        QVERIFY(allText.contains(QString::fromUtf8("\uace0\uc591\uc774")));
    }

    void pdfPageSizeAndText()
    {
        QTemporaryDir dir;
        auto view = makeLinePlot();
        const QString path = dir.filePath("figure.pdf");
        ExportOptions options;
        options.size = QSize(800, 600);
        QCOMPARE(exportFigure(*view, path, ExportFormat::Pdf, options), QString());
        const QByteArray pdf = readAll(path);
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        // 800 x 600 px at 96 dpi is 600 x 450 pt.
        const QRegularExpression mediaBox(R"(/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\])");
        const QRegularExpressionMatch match = mediaBox.match(QString::fromLatin1(pdf));
        QVERIFY2(match.hasMatch(), "no MediaBox");
        QVERIFY(std::abs(match.captured(1).toDouble() - 600.0) <= 1.0);
        QVERIFY(std::abs(match.captured(2).toDouble() - 450.0) <= 1.0);
        // Text stays text: fonts are embedded and the title is not a picture.
        QVERIFY(pdf.contains("/Font"));
        QVERIFY(pdf.contains("/FontFile"));
    }

    void csv()
    {
        QTemporaryDir dir;
        auto view = makeLinePlot();
        const QString path = dir.filePath("figure.csv");
        QCOMPARE(exportFigure(*view, path, ExportFormat::Csv), QString());
        QCOMPARE(readAll(path), QByteArray("position,sin,cos\n0,0,1\n1,0.84,0.54\n2,0.91,-0.42\n3,0.14,-0.99\n"));
        HeatmapView heatmap;
        auto m = std::make_shared<Matrix>(2, 2);
        m->values = {1, 2, 3, 4};
        heatmap.setMatrix(m);
        QCOMPARE(exportFigure(heatmap, path, ExportFormat::Csv), QString());
        QCOMPARE(readAll(path), QByteArray("1,2\n3,4\n"));
        // With token labels the CSV has them as its first column and header row, quoted where
        // a label holds a comma (RFC 4180).
        heatmap.setMatrix(m, {"the", "cat,"}, {"a", "b \"c\""});
        heatmap.setAxisTitles("key", "query");
        QCOMPARE(exportFigure(heatmap, path, ExportFormat::Csv), QString());
        QCOMPARE(readAll(path), QByteArray("query \\ key,a,\"b \"\"c\"\"\"\nthe,1,2\n\"cat,\",3,4\n"));
        HeatmapView empty;
        QVERIFY(exportFigure(empty, dir.filePath("empty.csv"), ExportFormat::Csv).contains("no numbers"));
    }

    void failuresLoseNothing()
    {
        QTemporaryDir dir;
        auto view = makeLinePlot();
        const QString missing = dir.filePath("no/such/folder/figure.pdf");
        const QString message = exportFigure(*view, missing, ExportFormat::Pdf);
        QVERIFY2(message.contains("does not exist"), qPrintable(message));
        QVERIFY(!QFile::exists(missing));
        // An existing file is replaced whole, and no temporary file is left behind.
        const QString path = dir.filePath("keep.svg");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("old");
        file.close();
        QCOMPARE(exportFigure(*view, path, ExportFormat::Svg), QString());
        QVERIFY(readAll(path).contains("<svg"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void formats()
    {
        ExportFormat format;
        QVERIFY(parseExportFormat("PDF", format) && format == ExportFormat::Pdf);
        QVERIFY(parseExportFormat("csv", format) && format == ExportFormat::Csv);
        QVERIFY(!parseExportFormat("jpeg", format));
    }
};

QTEST_MAIN(TestFigureExporter)
#include "tst_figureexporter.moc"
