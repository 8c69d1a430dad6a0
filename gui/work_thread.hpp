// WorkThread: a thread of its own with a queue of work, for the GUI's workers that run a
// models::System off the GUI thread (StepWorker, AnimationWorker). What is posted runs in order
// on that thread; finish() runs what is still queued, then a last piece of work there (destroying
// what lives on the thread), and ends the thread.
#pragma once

#include <QObject>
#include <QThread>

#include <utility>

namespace lbsim::gui {

class WorkThread {
public:
  WorkThread() : context_(new QObject)
  {
    context_->moveToThread(&thread_);
    thread_.start();
  }
  WorkThread(const WorkThread&) = delete;
  WorkThread& operator=(const WorkThread&) = delete;
  ~WorkThread()
  {
    if (context_) finish([] {});
  }

  // Queues `work` after whatever was posted before; returns at once.
  template <class Work>
  void post(Work&& work)
  {
    QMetaObject::invokeMethod(context_, std::forward<Work>(work), Qt::QueuedConnection);
  }
  // Waits for what is queued, runs `last` on the thread, and ends it. From the owner's destructor,
  // before the members that live on the thread are destroyed.
  template <class Work>
  void finish(Work&& last)
  {
    QMetaObject::invokeMethod(context_, std::forward<Work>(last), Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
    delete context_;
    context_ = nullptr;
  }

private:
  QThread thread_;
  QObject* context_;  // lives on thread_: the queue of work
};

}  // namespace lbsim::gui
