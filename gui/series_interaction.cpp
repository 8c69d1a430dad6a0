// The chart's interaction (series_impl.hpp): the log-scale toggle, rubber-band zoom, pan by
// Shift+drag or the middle button, and the readout of the point under the mouse.
#include "gui/series_impl.hpp"

#include <QtCharts/QLogValueAxis>

#include <QCheckBox>
#include <QLabel>
#include <QMouseEvent>

#include <cmath>

namespace lbsim::gui {

void ChartWidget::set_log_y(bool log)
{
  {
    const QSignalBlocker block(impl_->log_box);
    impl_->log_box->setChecked(log);
  }
  if (impl_->log_y == log) return;
  impl_->log_y = log;
  impl_->lines.clear();  // new axes: build the series anew
  show_runs(last_runs_, last_max_points_);
}

bool ChartWidget::log_y() const { return impl_->log_y; }

void ChartWidget::zoom_to(const QRectF& view_pixels)
{
  const QRectF in_chart(impl_->chart->mapFromScene(impl_->view->mapToScene(view_pixels.topLeft().toPoint())),
                        impl_->chart->mapFromScene(impl_->view->mapToScene(view_pixels.bottomRight().toPoint())));
  impl_->chart->zoomIn(in_chart.normalized());
}

void ChartWidget::pan_by(double dx_pixels, double dy_pixels) { impl_->chart->scroll(dx_pixels, dy_pixels); }

void ChartWidget::reset_zoom() { impl_->chart->zoomReset(); }

bool ChartWidget::zoomed() const { return impl_->chart->isZoomed(); }

std::pair<double, double> ChartWidget::x_range() const { return Impl::range(impl_->x); }
std::pair<double, double> ChartWidget::y_range() const { return Impl::range(impl_->y); }

QPointF ChartWidget::position_of(const QPointF& value) const
{
  QAbstractSeries* any = impl_->series.empty() ? nullptr : impl_->series.front();
  for (size_t i = 0; i < impl_->series.size(); ++i)
    if (!impl_->lines[i].right_axis && impl_->lines[i].stack_on == -1 && impl_->lines[i].role != LineRole::Warmup) {
      any = impl_->series[i];
      break;
    }
  if (!any) return {};
  const QPointF in_chart = impl_->chart->mapToPosition(value, any);
  return impl_->view->mapFromScene(impl_->chart->mapToScene(in_chart));
}

QString ChartWidget::readout_at(const QPointF& at) const
{
  if (impl_->series.empty() || !impl_->x || !impl_->y) return QString();
  const QPointF pos = impl_->chart->mapFromScene(impl_->view->mapToScene(at.toPoint()));
  if (!impl_->chart->plotArea().contains(pos)) return QString();
  const QString x_title = impl_->x->titleText(), y_title = impl_->y->titleText();
  double best = kReadoutPixels;
  QString text;
  for (size_t i = 0; i < impl_->series.size(); ++i) {
    const Line& line = impl_->lines[i];
    QXYSeries* s = impl_->series[i];
    if (line.role == LineRole::Warmup || line.stack_on != -1) continue;
    if (line.role == LineRole::Event) {
      // A vertical line: near when the cursor is within a few pixels of its time.
      const double px = impl_->chart->mapToPosition(QPointF(line.x.front(), 0), s).x();
      if (std::abs(px - pos.x()) <= kEventPixels && std::abs(px - pos.x()) < best) {
        best = std::abs(px - pos.x());
        text = QString("%1 at %2 s").arg(line.readout_name.isEmpty() ? line.name : line.readout_name).arg(line.x.front(), 0, 'g', 6);
      }
      continue;
    }
    for (const QPointF& p : s->points()) {
      const QPointF px = impl_->chart->mapToPosition(p, s);
      const double d = std::hypot(px.x() - pos.x(), px.y() - pos.y());
      if (d >= best) continue;
      best = d;
      const QString y_axis = line.right_axis && impl_->y2 ? impl_->y2->titleText() : y_title;
      text = QString("%1 — %2: %3; %4: %5").arg(line.name, x_title).arg(p.x(), 0, 'g', 6).arg(y_axis).arg(p.y(), 0, 'g', 6);
    }
  }
  return text;
}

QString ChartWidget::readout() const { return impl_->readout->text(); }

bool ChartWidget::eventFilter(QObject* watched, QEvent* event)
{
  if (watched != impl_->view->viewport()) return QWidget::eventFilter(watched, event);
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      const bool pan = e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier));
      if (!pan) break;
      impl_->pan_from = e->position().toPoint();
      return true;  // not the start of a rubber band
    }
    case QEvent::MouseMove: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (impl_->pan_from) {
        const QPoint d = e->position().toPoint() - *impl_->pan_from;
        pan_by(-d.x(), d.y());  // the content follows the mouse
        impl_->pan_from = e->position().toPoint();
        return true;
      }
      impl_->readout->setText(readout_at(e->position()));
      break;
    }
    case QEvent::MouseButtonRelease:
      if (impl_->pan_from) {
        impl_->pan_from.reset();
        return true;
      }
      break;
    case QEvent::Leave: impl_->readout->clear(); break;
    default: break;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace lbsim::gui
