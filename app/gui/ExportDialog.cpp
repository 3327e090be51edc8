#include "ExportDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>

namespace tessera::app {

ExportDialog::ExportDialog(const QString &suggestedName, const QSize &defaultSize, bool dataOnly, QWidget *parent)
    : QDialog(parent), m_path(new QLineEdit), m_format(new QComboBox), m_width(new QSpinBox), m_height(new QSpinBox),
      m_dpi(new QSpinBox)
{
    setWindowTitle(dataOnly ? tr("Export Data") : tr("Export Figure"));
    QSettings settings;
    const QString folder = settings.value("export/folder", QDir::homePath()).toString();
    if (dataOnly)
        m_format->addItem("CSV (numbers)", "csv");
    else {
        m_format->addItem("PDF (vector)", "pdf");
        m_format->addItem("SVG (vector)", "svg");
        m_format->addItem("PNG (raster)", "png");
        m_format->addItem("CSV (numbers)", "csv");
        m_format->setCurrentIndex(qMax(0, m_format->findData(settings.value("export/format", "pdf"))));
    }
    m_path->setText(QDir(folder).filePath(suggestedName + "." + m_format->currentData().toString()));
    m_width->setRange(100, 10000);
    m_height->setRange(100, 10000);
    m_width->setValue(settings.value("export/width", defaultSize.width()).toInt());
    m_height->setValue(settings.value("export/height", defaultSize.height()).toInt());
    m_width->setSuffix(" px");
    m_height->setSuffix(" px");
    m_dpi->setRange(24, 1200);
    m_dpi->setValue(settings.value("export/dpi", 300).toInt());
    m_dpi->setToolTip(tr("PNG only: the image has width \u00d7 dpi / 96 pixels."));

    auto *browse = new QPushButton(tr("Browse\u2026"));
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Format"), m_format);
    if (!dataOnly) {
        form->addRow(tr("Width"), m_width);
        form->addRow(tr("Height"), m_height);
        form->addRow(tr("PNG resolution"), m_dpi);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::syncSuffix);
    // A typed extension chooses the format: the file is what its name says.
    connect(m_path, &QLineEdit::textEdited, this, [this](const QString &text) {
        const int index = m_format->findData(QFileInfo(text).suffix().toLower());
        if (index >= 0 && index != m_format->currentIndex()) {
            const QSignalBlocker blocker(m_format);
            m_format->setCurrentIndex(index);
        }
    });
}

void ExportDialog::syncSuffix()
{
    QFileInfo info(m_path->text());
    m_path->setText(info.dir().filePath(info.completeBaseName() + "." + m_format->currentData().toString()));
}

void ExportDialog::browse()
{
    const QString path =
        QFileDialog::getSaveFileName(this, windowTitle(), m_path->text(), tr("Figures (*.pdf *.svg *.png *.csv)"));
    if (path.isEmpty())
        return;
    m_path->setText(path);
    const int index = m_format->findData(QFileInfo(path).suffix().toLower());
    if (index >= 0)
        m_format->setCurrentIndex(index);
}

QString ExportDialog::path() const
{
    return m_path->text();
}

widgets::ExportFormat ExportDialog::format() const
{
    widgets::ExportFormat format = widgets::ExportFormat::Pdf;
    widgets::parseExportFormat(m_format->currentData().toString(), format);
    return format;
}

widgets::ExportOptions ExportDialog::options() const
{
    widgets::ExportOptions options;
    options.size = QSize(m_width->value(), m_height->value());
    options.dpi = m_dpi->value();
    return options;
}

void ExportDialog::accept()
{
    // A name without a known extension gets the format's.
    if (m_format->findData(QFileInfo(path()).suffix().toLower()) < 0)
        m_path->setText(path() + "." + m_format->currentData().toString());
    const QFileInfo info(path());
    if (!info.absoluteDir().exists()) {
        QMessageBox::warning(this, windowTitle(), tr("The folder %1 does not exist.").arg(info.absolutePath()));
        return;
    }
    if (info.exists() && QMessageBox::question(this, windowTitle(),
                                               tr("%1 exists. Replace it?").arg(info.fileName())) != QMessageBox::Yes)
        return;
    QSettings settings;
    settings.setValue("export/folder", info.absolutePath());
    settings.setValue("export/format", m_format->currentData());
    settings.setValue("export/width", m_width->value());
    settings.setValue("export/height", m_height->value());
    settings.setValue("export/dpi", m_dpi->value());
    QDialog::accept();
}

} // namespace tessera::app
